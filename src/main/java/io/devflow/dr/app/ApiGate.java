package io.devflow.dr.app;

import io.devflow.dr.api.ApiErrors;
import io.devflow.dr.api.ApiException;
import io.devflow.dr.api.ApiOperations;
import io.devflow.dr.api.ApiSecurity;
import io.devflow.dr.config.ApiConfig;
import io.devflow.dr.config.ApiRole;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.model.Model;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.SecurityDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.apache.camel.support.LifecycleStrategySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The HTTP server's side of the API, in front of Camel's routes on the platform-http (Vert.x) router: it decides
 * about a request before its body is read. An API call needs a bearer token whose role allows the operation (the
 * scope of the verb's {@code bearer} security requirement in routes/api); a body over 1 MiB is a 413 and a body
 * that is not JSON a 415, unread. Jolokia needs a viewer token, a request addressed to this server (a foreign
 * {@code Host} is DNS rebinding) and its access policy on the class path. Every refusal, every path no route serves
 * (404, 405) and every failure of the router itself (413 of a chunked body, 400 of a malformed path) is answered as
 * the API answers errors, {@code {"status": ..., "error": ...}}; never the server's HTML or text pages. The web
 * console's static files ({@link ConsoleEndpoint}) need no token: its pages call the API with the operator's.
 * Installed when the Camel context has started, since the router exists only then.
 */
public final class ApiGate extends LifecycleStrategySupport {

    private static final long MAX_BODY_BYTES = 1024 * 1024;
    static final String JOLOKIA_POLICY = "jolokia-access.xml";
    /** The Jolokia commands jolokia-access.xml allows. */
    private static final List<String> JOLOKIA_COMMANDS = List.of("read", "list", "search", "version");

    private static final Logger LOG = LoggerFactory.getLogger(ApiGate.class);
    private static final String API = "/api";
    private static final String OPENAPI = "/api/openapi.json";
    private static final String JOLOKIA = "/observe/jolokia";

    private final ApiSecurity security;
    private final ApiErrors errors;
    private final ApiConfig config;
    private final String jolokiaPolicy;
    private volatile ApiOperations operations;

    public ApiGate(ApiSecurity security, ApiErrors errors, ApiConfig config) {
        this(security, errors, config, JOLOKIA_POLICY);
    }

    /** @param jolokiaPolicy the class-path resource of Jolokia's access policy; without it Jolokia is refused */
    public ApiGate(ApiSecurity security, ApiErrors errors, ApiConfig config, String jolokiaPolicy) {
        this.security = security;
        this.errors = errors;
        this.config = config;
        this.jolokiaPolicy = jolokiaPolicy;
    }

    @Override
    public void onContextStarted(CamelContext context) {
        VertxPlatformHttpRouter router = context.getRegistry().findByType(VertxPlatformHttpRouter.class).stream()
                .findFirst().orElse(null);
        if (router == null) {
            return;
        }
        operations = new ApiOperations(operations(context));
        boolean policy = ApiGate.class.getClassLoader().getResource(jolokiaPolicy) != null;
        router.route().order(Integer.MIN_VALUE).handler(ctx -> gate(ctx, policy)).failureHandler(this::failed);
        JolokiaEndpoint.install(context, router, JOLOKIA, MAX_BODY_BYTES, errors);
        ConsoleEndpoint.install(router);
        router.route().order(Integer.MAX_VALUE).handler(ctx -> refuse(ctx, 404, "no such resource: "
                + ctx.request().method() + " " + ctx.request().path()));
        Router main = mainRouter(router.getServer());
        for (int status = 400; status < 600; status++) {
            main.errorHandler(status, this::failed);
        }
    }

    /**
     * The router the HTTP server hands every request to, under which Camel's router is mounted. A request whose
     * path cannot even be decoded ({@code %zz}) fails there, before any route of Camel's router sees it, and would
     * be answered with Vert.x's text page; platform-http does not expose this router, so it is read from its field.
     * A Camel upgrade that renames the field fails the start here, and ApiGateTest, rather than serving text pages.
     */
    private static Router mainRouter(VertxPlatformHttpServer server) {
        try {
            Field field = VertxPlatformHttpServer.class.getDeclaredField("router");
            field.setAccessible(true);
            return (Router) field.get(server);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot reach the HTTP server's main router to answer its errors as JSON", e);
        }
    }

    /** Every verb of the REST definitions with the role its security requirement names; one without is an error. */
    static List<ApiOperations.Operation> operations(CamelContext context) {
        List<ApiOperations.Operation> all = new ArrayList<>();
        for (RestDefinition rest : context.getCamelContextExtension().getContextPlugin(Model.class).getRestDefinitions()) {
            for (VerbDefinition verb : rest.getVerbs()) {
                String path = join(rest.getPath(), verb.getPath());
                ApiRole role = verb.getSecurity() == null ? null : verb.getSecurity().stream()
                        .filter(s -> "bearer".equals(s.getKey())).map(SecurityDefinition::getScopes)
                        .map(ApiOperations::role).flatMap(Optional::stream).findFirst().orElse(null);
                if (role == null) {
                    throw new IllegalStateException(verb.asVerb().toUpperCase(Locale.ROOT) + " " + path + " declares no "
                            + "role: give it 'security: [{key: bearer, scopes: viewer|operator|admin}]'");
                }
                all.add(new ApiOperations.Operation(verb.asVerb().toUpperCase(Locale.ROOT), path, role));
            }
        }
        return all;
    }

    private static String join(String base, String path) {
        String b = base == null ? "" : base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        return path == null || path.isEmpty() ? b : b + (path.startsWith("/") ? path : "/" + path);
    }

    private void gate(RoutingContext ctx, boolean jolokiaPolicy) {
        HttpServerRequest request = ctx.request();
        String path = ctx.normalizedPath();
        try {
            if (path.equals(OPENAPI) && request.method() == HttpMethod.GET) {
                refuseForms(request);
                checkQuery(request);
                ctx.next();
            } else if (path.equals(API) || path.startsWith(API + "/")) {
                api(ctx, path);
            } else if (path.equals(JOLOKIA) || path.startsWith(JOLOKIA + "/")) {
                jolokia(ctx, jolokiaPolicy, path);
            } else {
                refuseForms(request);
                checkQuery(request);
                ctx.next();
            }
        } catch (ApiException refused) {
            refuse(ctx, refused.status(), refused.getMessage());
        }
    }

    /**
     * Refuses a query string that cannot be decoded. It would be decoded later, by whatever asks for a parameter
     * first, and fail there with a 500.
     */
    private static void checkQuery(HttpServerRequest request) {
        if (undecodable(request.query())) {
            throw new ApiException(400, "malformed query string: " + request.query() + " (a '%' must start an escape "
                    + "such as %20)");
        }
    }

    /**
     * Outside the API, where no check of the body runs: a form or multipart body, which the body handler would try
     * to decode (and fail on, with a 500, for a GET), is refused; nothing here takes one.
     */
    private static void refuseForms(HttpServerRequest request) {
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        String media = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (media.startsWith("multipart/") || media.equals("application/x-www-form-urlencoded")) {
            throw new ApiException(415, "the request body must be JSON: send it with 'Content-Type: application/json', "
                    + "not '" + type + "'");
        }
    }

    private void api(RoutingContext ctx, String path) {
        HttpServerRequest request = ctx.request();
        ApiOperations.Match match = operations.match(request.method().name(), path);
        if (match instanceof ApiOperations.Unknown) {
            throw new ApiException(404, "no such resource: " + path);
        }
        if (match instanceof ApiOperations.WrongMethod wrong) {
            ctx.response().putHeader(HttpHeaders.ALLOW, String.join(", ", wrong.allowed()));
            throw new ApiException(405, request.method() + " is not allowed on " + path + "; use "
                    + String.join(" or ", wrong.allowed()));
        }
        ApiRole role = ((ApiOperations.Found) match).operation().role();
        security.authorize(authorization(request), role);
        checkQuery(request);
        checkBody(request);
        ctx.next();
    }

    private void jolokia(RoutingContext ctx, boolean policy, String path) {
        HttpServerRequest request = ctx.request();
        if (!policy) {
            throw new ApiException(503, "Jolokia is off: its access policy " + jolokiaPolicy + " is missing from "
                    + "the class path");
        }
        // the Host header of HTTP/1.1, :authority of HTTP/2
        String host = request.authority() == null ? "" : hostOf(request.authority().toString());
        if (!allowedHost(host)) {
            throw new ApiException(403, "requests to Jolokia must be addressed to this server, not to '" + host
                    + "' (add the name to disasterRecovery.api.allowedHosts if it is this server's)");
        }
        security.authorizeJolokia(authorization(request), ApiRole.VIEWER);
        checkQuery(request);
        refuseForms(request);
        if (request.method() == HttpMethod.GET) {
            String command = jolokiaCommand(path.substring(JOLOKIA.length()), request.getParam("p"));
            if (!JOLOKIA_COMMANDS.contains(command)) {
                // Jolokia's own refusal of these is a 500 naming an exception class
                throw new ApiException(403, "Jolokia is read-only here: read, list, search and version, not '" + command + "'");
            }
        }
        if (request.method() == HttpMethod.POST && request.getHeader(HttpHeaders.CONTENT_LENGTH) == null) {
            throw new ApiException(411, "a POST to Jolokia needs a Content-Length");
        }
        checkLength(request);
        ctx.next();
    }

    /** The command of a Jolokia GET: the first segment of its path, or of its {@code p} parameter; version when none. */
    static String jolokiaCommand(String path, String pParameter) {
        String request = path.isEmpty() || path.equals("/") ? (pParameter == null ? "" : pParameter) : path;
        String stripped = request.startsWith("/") ? request.substring(1) : request;
        String command = stripped.split("/", 2)[0];
        return command.isEmpty() ? "version" : command;
    }

    /**
     * The one Authorization header of a request. Two are refused rather than one of them taken: which one a proxy
     * or a client library would have meant cannot be told.
     */
    private static String authorization(HttpServerRequest request) {
        List<String> headers = request.headers().getAll(HttpHeaders.AUTHORIZATION);
        if (headers.size() > 1) {
            throw new ApiException(401, "the request has " + headers.size() + " Authorization headers; send one: "
                    + "'Authorization: Bearer <token>'");
        }
        return headers.isEmpty() ? null : headers.get(0);
    }

    /**
     * Refuses a body that is too large, or that says it is not JSON, before anything reads it. A body without a
     * Content-Type is read as JSON, and a call without a body needs none.
     */
    private static void checkBody(HttpServerRequest request) {
        checkLength(request);
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        boolean hasBody = length != null ? !length.strip().equals("0") : request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (!hasBody && type != null) {
            // the type of no body says nothing, but would stop the binding from writing the JSON answer
            request.headers().remove(HttpHeaders.CONTENT_TYPE);
        }
        if (hasBody && type != null && !isJson(type)) {
            throw new ApiException(415, "the request body must be JSON: send it with 'Content-Type: application/json', "
                    + "not '" + type + "'");
        }
    }

    private static void checkLength(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            try {
                if (Long.parseLong(length.strip()) > MAX_BODY_BYTES) {
                    throw tooLarge();
                }
            } catch (NumberFormatException e) {
                throw new ApiException(400, "Content-Length is not a number");
            }
        }
    }

    static ApiException tooLarge() {
        return new ApiException(413, "the request body is larger than " + MAX_BODY_BYTES / 1024 + " KiB");
    }

    private static boolean isJson(String contentType) {
        String media = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return media.equals("application/json") || media.endsWith("+json");
    }

    static String hostOf(String hostHeader) {
        if (hostHeader == null) {
            return "";
        }
        String h = hostHeader.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    private boolean allowedHost(String host) {
        return ApiConfig.isLoopback(host) || host.equalsIgnoreCase(config.host())
                || config.allowedHosts().stream().anyMatch(host::equalsIgnoreCase);
    }

    /** A failure of the router (a body over the limit while it was read, a malformed request) as the API's JSON. */
    private void failed(RoutingContext ctx) {
        int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
        if (undecodable(ctx.request().path())) {
            refuse(ctx, 400, "malformed request path: " + ctx.request().path() + " (a '%' must start an escape such as %20)");
        } else if (status == 404) {
            refuse(ctx, 404, "no such resource: " + ctx.request().method() + " " + ctx.request().path());
        } else if (status == 413) {
            refuse(ctx, 413, tooLarge().getMessage());
        } else if (status >= 500) {
            LOG.error("HTTP {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
            refuse(ctx, status, "internal error (details in the server log)");
        } else {
            refuse(ctx, status, "the request cannot be served (HTTP " + status + ")");
        }
    }

    /**
     * Whether a path or query string cannot be decoded: Vert.x reports a path as a failure of its router without a
     * cause, a query string as whatever exception the first reader of a parameter meets.
     */
    static boolean undecodable(String text) {
        try {
            URLDecoder.decode(text == null ? "" : text.replace("+", "%2B"), StandardCharsets.UTF_8);
            return false;
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    private void refuse(RoutingContext ctx, int status, String message) {
        if (ctx.response().ended()) {
            return;
        }
        if (ctx.response().headWritten()) {
            ctx.response().end();
            return;
        }
        if (status == 401) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
        }
        if (!ctx.request().isEnded()) {
            // the body is left unread: the connection cannot carry another request
            ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
        }
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(errors.json(status, message));
    }
}
