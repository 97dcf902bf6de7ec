package io.devflow.dr.support;

/**
 * Text that came from a user or a file (an argument, a key, a value), made safe to show on one line of a terminal:
 * control characters and the characters that reorder text on screen are written as escapes, so a message stays
 * one line and cannot recolour or rewrite the terminal.
 */
public final class Printable {

    private Printable() {
    }

    public static String of(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String escape = escape(c);
            if (escape != null && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                out.append(escape != null ? escape : String.valueOf(c));
            }
        }
        return out == null ? text : out.toString();
    }

    private static String escape(char c) {
        return switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= '\u202a' && c <= '\u202e')
                    || (c >= '\u2066' && c <= '\u2069') ? String.format("\\u%04x", (int) c) : null;
        };
    }
}
