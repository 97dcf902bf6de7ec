package io.devflow.dr.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 of a configuration file as it was read, recorded in the audit log when a server loads it: a change of
 * configuration between two loads shows as a change of digest. Secrets are references in the file, so the digest
 * reveals none.
 */
public final class ConfigDigest {

    private ConfigDigest() {
    }

    /** The hex digest of the file, or {@code unreadable: <reason>}. */
    public static String of(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
