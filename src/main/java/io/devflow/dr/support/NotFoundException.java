package io.devflow.dr.support;

/** The request names something that does not exist (a conflict id, say): exit code 2, HTTP 404. */
public class NotFoundException extends InvalidRequestException {

    public NotFoundException(String message) {
        super(message);
    }
}
