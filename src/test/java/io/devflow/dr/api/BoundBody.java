package io.devflow.dr.api;

import java.io.IOException;

/**
 * A request body as the REST binding hands it to the API's beans: read with {@link ApiJson#MAPPER} into the verb's
 * type, or none when the body is blank. Its failures reach {@link ApiErrors} as the binding's do.
 */
final class BoundBody {

    private BoundBody() {
    }

    static <T> T read(String body, Class<T> type) throws IOException {
        return body == null || body.isBlank() ? null : ApiJson.MAPPER.readValue(body, type);
    }
}
