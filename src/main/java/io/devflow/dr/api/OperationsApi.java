package io.devflow.dr.api;

/** The retention resource of the HTTP API. */
public final class OperationsApi {

    /** Whether a retention request is a dry run: a request without a body applies the policy. */
    public boolean dryRun(RetentionRequest body) {
        return body != null && body.dryRun();
    }
}
