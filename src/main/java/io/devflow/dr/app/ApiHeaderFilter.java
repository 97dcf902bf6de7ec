package io.devflow.dr.app;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;

import java.util.Locale;
import java.util.Set;

/**
 * Which headers of an API exchange become headers of its HTTP answer: only those the routes set for the caller.
 * Query and path parameters arrive as message headers too; copied back, they would echo the caller's text into the
 * answer, and one the server may not send (a NUL, a name that is empty) would fail the answer with a 500.
 */
public final class ApiHeaderFilter extends HttpHeaderFilterStrategy {

    private static final Set<String> ANSWERED = Set.of("content-type", "allow", "www-authenticate", "location");

    @Override
    public boolean applyFilterToCamelHeaders(String name, Object value, Exchange exchange) {
        return !ANSWERED.contains(name.toLowerCase(Locale.ROOT)) || super.applyFilterToCamelHeaders(name, value, exchange);
    }
}
