package io.devflow.dr.api;

/** An HTTP API error with the status to answer (4xx): the request was wrong, not the server. */
public class ApiException extends RuntimeException {

    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
