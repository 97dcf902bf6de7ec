package io.devflow.dr.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * HTTP/1.1 over a plain socket, for requests no HTTP client would send: any method, any request target, headers
 * twice or with control characters, a body that does not match its headers. One request per connection.
 */
final class RawHttp {

    /** An answer: status, headers (names in lower case) and body. */
    record Response(int status, List<String[]> headers, byte[] body) {

        Optional<String> header(String name) {
            return headers.stream().filter(h -> h[0].equals(name.toLowerCase(Locale.ROOT))).map(h -> h[1]).findFirst();
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            StringBuilder out = new StringBuilder("HTTP " + status + "\n");
            headers.forEach(h -> out.append(h[0]).append(": ").append(h[1]).append('\n'));
            String text = text();
            return out.append('\n').append(text.length() > 2_000 ? text.substring(0, 2_000) + "..." : text).toString();
        }
    }

    /** The server did not answer, or not with HTTP. */
    static final class NoAnswer extends IOException {
        NoAnswer(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private RawHttp() {
    }

    /**
     * Sends the request and reads the answer until the server closes the connection (requests say
     * {@code Connection: close}) or {@code timeout} passes without a byte.
     */
    static Response send(int port, byte[] request, Duration timeout) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // the server may answer and close before taking the whole request (a body refused unread)
            }
            byte[] answer = readAll(socket.getInputStream());
            return parse(answer);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                all.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new NoAnswer("no answer, or the connection left open, after " + all.size() + " bytes: "
                    + all.toString(StandardCharsets.ISO_8859_1), e);
        } catch (IOException e) {
            if (all.size() == 0) {
                throw new NoAnswer("the connection was reset without an answer", e);
            }
        }
        return all.toByteArray();
    }

    static Response parse(byte[] answer) throws NoAnswer {
        String head = new String(answer, StandardCharsets.ISO_8859_1);
        // interim answers (100 Continue) come before the answer
        while (head.matches("(?s)HTTP/1\\.\\d 1\\d\\d .*") && head.contains("\r\n\r\n")) {
            int interim = head.indexOf("\r\n\r\n") + 4;
            answer = java.util.Arrays.copyOfRange(answer, interim, answer.length);
            head = head.substring(interim);
        }
        int end = head.indexOf("\r\n\r\n");
        if (!head.startsWith("HTTP/1.") || end < 0) {
            throw new NoAnswer("not an HTTP answer: " + head.substring(0, Math.min(200, head.length())), null);
        }
        String[] lines = head.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        List<String[]> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.add(new String[] {lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).strip()});
        }
        byte[] rest = java.util.Arrays.copyOfRange(answer, end + 4, answer.length);
        boolean chunked = headers.stream().anyMatch(h -> h[0].equals("transfer-encoding") && h[1].contains("chunked"));
        return new Response(status, headers, chunked ? dechunk(rest) : rest);
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String text = new String(chunked, StandardCharsets.ISO_8859_1);
        int at = 0;
        while (at < text.length()) {
            int lineEnd = text.indexOf("\r\n", at);
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(text.substring(at, lineEnd).split(";")[0].strip(), 16);
            if (size == 0) {
                break;
            }
            body.write(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
        return body.toByteArray();
    }
}
