package io.devflow.dr.support;

import java.net.http.HttpClient;

/**
 * The HTTP client of the platform's URL hooks (fence hooks, recovery plans' hooks): it never follows a redirect, so
 * the answer counted is the hook's own. Built at the first hook: most processes (every CLI command) run none.
 */
public final class HookHttp {

    private HookHttp() {
    }

    public static HttpClient client() {
        return Holder.CLIENT;
    }

    private static final class Holder {
        static final HttpClient CLIENT = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    }
}
