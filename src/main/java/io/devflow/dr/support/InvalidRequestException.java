package io.devflow.dr.support;

/**
 * A request that cannot be carried out as asked (an unknown store, an option that does not apply): the
 * caller must change it. Exit code 2 on the CLI, 400 on the API.
 */
public class InvalidRequestException extends RuntimeException {

    public InvalidRequestException(String message) {
        super(message);
    }
}
