package io.devflow.dr.app;

import io.devflow.dr.api.ApiErrors;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.impl.Utils;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.plugin.DefaultJolokiaPlatformHttpPlugin;
import org.apache.camel.component.platform.http.plugin.JolokiaPlatformHttpPlugin;
import org.apache.camel.component.platform.http.spi.PlatformHttpPluginRegistry;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.jolokia.json.JSONStructure;
import org.jolokia.server.core.http.HttpRequestHandler;
import org.jolokia.server.core.request.EmptyResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Jolokia's HTTP answers, in place of platform-http's handler, which answers a request Jolokia cannot parse (a POST
 * without a {@code type}, an MBean name that is not one, a value of the wrong type) with a 500 naming an exception
 * class. Here such a request is a 400 in the API's error body, and what Jolokia answers itself (its own 200, or an
 * error inside its JSON) is passed on as platform-http passes it. Installed behind {@link ApiGate}, which has checked
 * the token, the {@code Host} and the length of the body before this reads it. It calls Jolokia as platform-http's
 * handler does (the same access check, path and parameters).
 */
final class JolokiaEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(JolokiaEndpoint.class);

    private final HttpRequestHandler jolokia;
    private final ApiErrors errors;

    private JolokiaEndpoint(HttpRequestHandler jolokia, ApiErrors errors) {
        this.jolokia = jolokia;
        this.errors = errors;
    }

    /** Serves {@code path} (GET and POST) when Camel's Jolokia plugin is the one it ships; leaves it alone otherwise. */
    static void install(CamelContext context, VertxPlatformHttpRouter router, String path, long maxBodyBytes,
                        ApiErrors errors) {
        Optional<HttpRequestHandler> jolokia = Optional.ofNullable(context.getCamelContextExtension()
                        .getContextPlugin(PlatformHttpPluginRegistry.class))
                .flatMap(plugins -> plugins.resolvePluginById(JolokiaPlatformHttpPlugin.NAME, JolokiaPlatformHttpPlugin.class))
                .filter(DefaultJolokiaPlatformHttpPlugin.class::isInstance)
                .map(plugin -> ((DefaultJolokiaPlatformHttpPlugin) plugin).getJolokiaRequestHandler());
        if (jolokia.isEmpty()) {
            return;
        }
        JolokiaEndpoint endpoint = new JolokiaEndpoint(jolokia.get(), errors);
        router.route(path + "*").order(Integer.MIN_VALUE + 1).method(HttpMethod.GET).method(HttpMethod.POST)
                .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
                .blockingHandler(endpoint::answer, false);
    }

    private void answer(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String answer;
        try {
            jolokia.checkAccess(request.scheme(), request.remoteAddress().host(), request.remoteAddress().host(),
                    origin(request));
            JSONStructure json = request.method() == HttpMethod.GET
                    ? jolokia.handleGetRequest(request.uri(), Utils.pathOffset(request.path(), ctx), parameters(ctx))
                    : jolokia.handlePostRequest(request.uri(), new ByteArrayInputStream(body(ctx)),
                    StandardCharsets.UTF_8.name(), parameters(ctx));
            answer = json == null ? "" : json.toJSONString();
        } catch (EmptyResponseException e) {
            answer = "";
        } catch (SecurityException e) {
            refuse(ctx, 403, "Jolokia refuses this request: " + e.getMessage());
            return;
        } catch (Exception e) {
            // thrown while Jolokia reads the request; what fails while it runs one comes back inside its answer
            LOG.debug("Jolokia cannot read {} {}", request.method(), request.path(), e);
            refuse(ctx, 400, "not a request Jolokia can read (" + describe(e) + "); see "
                    + "https://jolokia.org/reference/html/manual/jolokia_protocol.html");
            return;
        }
        ctx.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(answer);
    }

    /** Jolokia's own words on what is wrong, unless they are a class name, which tells the caller nothing. */
    private static String describe(Exception e) {
        String message = e.getMessage() == null ? "" : e.getMessage().strip();
        boolean named = message.isEmpty() || message.matches("(?s).*\\b(java|javax|org|com|io)\\.[a-z]+\\..*");
        return named ? "its parser failed" : message.length() > 200 ? message.substring(0, 200) + "..." : message;
    }

    private static byte[] body(RoutingContext ctx) {
        Buffer body = ctx.body() == null ? null : ctx.body().buffer();
        return body == null ? new byte[0] : body.getBytes();
    }

    private static Map<String, String[]> parameters(RoutingContext ctx) {
        Map<String, String[]> parameters = new HashMap<>();
        for (String name : ctx.request().params().names()) {
            parameters.put(name, ctx.request().params().getAll(name).toArray(String[]::new));
        }
        return parameters;
    }

    private static String origin(HttpServerRequest request) {
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin == null) {
            origin = request.getHeader(HttpHeaders.REFERER);
        }
        // empty, not null, when there is none: Jolokia's strict origin check refuses a null origin
        return origin == null ? "" : origin.replaceAll("[\\n\\r]*", "");
    }

    private void refuse(RoutingContext ctx, int status, String message) {
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(errors.json(status, message));
    }
}
