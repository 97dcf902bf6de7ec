package io.devflow.dr.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.devflow.dr.catalog.BackupNotFoundException;
import io.devflow.dr.config.ConfigException;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.support.NotFoundException;
import io.devflow.dr.support.StateConflictException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns any failure of an API call into a status and a JSON body. Bad input is a 4xx with a message saying
 * what to change; only failures of the server itself are a 500, logged with their cause.
 */
public final class ApiErrors {

    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    public int status(Throwable failure) {
        Throwable known = known(failure);
        if (known instanceof ApiException api) {
            return api.status();
        }
        if (known instanceof BackupNotFoundException || known instanceof NotFoundException) {
            return 404;
        }
        if (known instanceof StateConflictException) {
            return 409;
        }
        if (known instanceof InvalidRequestException || known instanceof ConfigException) {
            return 400;
        }
        return 500;
    }

    /**
     * The failure the caller should hear about: a request body the binding could not read, told as what to change;
     * otherwise, as Camel wraps what a bean throws (for instance when the bean is called with simple-language
     * parameters), the first of ours in the cause chain.
     */
    private static Throwable known(Throwable failure) {
        if (failure instanceof JsonProcessingException unreadable) {
            return RequestBodies.explain(unreadable);
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ApiException || t instanceof BackupNotFoundException
                    || t instanceof InvalidRequestException || t instanceof ConfigException) {
                return t;
            }
        }
        return failure;
    }

    /** An error the HTTP server answers itself, before any route: the same body as {@link #body}, as JSON text. */
    public String json(int status, String message) {
        try {
            return ApiJson.MAPPER.writeValueAsString(new ErrorBody(status, message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an error body is always writable", e);
        }
    }

    public ErrorBody body(Throwable failure) {
        int status = status(failure);
        if (status == 500) {
            LOG.error("API call failed: {}", Failures.describe(failure), failure);
            return new ErrorBody(status, "internal error: " + Failures.describe(failure) + " (details in the server log)");
        }
        return new ErrorBody(status, known(failure).getMessage());
    }
}
