package io.devflow.dr.api;

/** Numeric query parameters with a default and a range, refused with a 400 naming the range. */
final class Limits {

    private Limits() {
    }

    static int parse(String name, String text, int defaultValue, int max) {
        if (text == null || text.isBlank()) {
            return defaultValue;
        }
        int value;
        try {
            value = Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            value = 0;
        }
        if (value < 1 || value > max) {
            throw new ApiException(400, name + " must be a number from 1 to " + max + ", not '" + text + "'");
        }
        return value;
    }
}
