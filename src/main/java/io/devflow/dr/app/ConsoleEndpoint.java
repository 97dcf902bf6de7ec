package io.devflow.dr.app;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web console's static files (HTML, JavaScript modules, CSS) from the class path's {@code console/} folder,
 * served at {@code /console/} by the same HTTP server as the API. Nothing in them is secret and nothing in them
 * is authorized here: the pages call the API with the token the operator typed, and the API decides. Every answer
 * carries a Content-Security-Policy that allows scripts, styles and calls from this server only (no inline script),
 * and forbids framing. A name outside the fixed pattern, or a file that is not there, falls through to the router's
 * 404 in the API's JSON.
 */
final class ConsoleEndpoint {

    static final String PATH = "/console";
    private static final String FOLDER = "console/";
    private static final Pattern NAME = Pattern.compile("(?:[a-z0-9-]+/)?[a-z0-9-]+\\.(html|js|css|svg)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml");
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    /** The files read so far; only ones that exist, so that names asked for at random do not fill it. */
    private final Map<String, Buffer> files = new ConcurrentHashMap<>();

    private ConsoleEndpoint() {
    }

    /** Serves the console under {@link #PATH}, after {@code ApiGate}'s checks and before the router's 404. */
    static void install(VertxPlatformHttpRouter router) {
        ConsoleEndpoint console = new ConsoleEndpoint();
        router.route(PATH + "*").order(Integer.MIN_VALUE + 2).method(HttpMethod.GET).method(HttpMethod.HEAD)
                .blockingHandler(console::answer, false);
    }

    private void answer(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        if (path.equals(PATH)) {
            // the pages' relative links need the folder's address
            ctx.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, PATH + "/").end();
            return;
        }
        if (!path.startsWith(PATH + "/")) {
            ctx.next();
            return;
        }
        String name = path.substring(PATH.length() + 1);
        if (name.isEmpty()) {
            name = "index.html";
        }
        Optional<Buffer> file = NAME.matcher(name).matches() ? file(name) : Optional.empty();
        if (file.isEmpty()) {
            ctx.next();
            return;
        }
        String extension = name.substring(name.lastIndexOf('.') + 1);
        ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, TYPES.get(extension))
                .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        if (ctx.request().method() == HttpMethod.HEAD) {
            ctx.response().putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(file.get().length())).end();
        } else {
            ctx.response().end(file.get());
        }
    }

    private Optional<Buffer> file(String name) {
        Buffer known = files.get(name);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<Buffer> read = read(name);
        read.ifPresent(content -> files.put(name, content));
        return read;
    }

    private static Optional<Buffer> read(String name) {
        try (InputStream in = ConsoleEndpoint.class.getClassLoader().getResourceAsStream(FOLDER + name)) {
            return in == null ? Optional.empty() : Optional.of(Buffer.buffer(in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the console's " + name + " from the class path", e);
        }
    }
}
