package io.devflow.dr.archive;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An order-independent digest of a multiset of items: the sum, modulo 2^256, of the SHA-256 of each item.
 * Two collections have the same fingerprint and count when they hold the same items byte for byte, in any
 * order, so a restored collection can be compared with its backup without sorting either. (The archive's
 * authenticated encryption, not this sum, is what defends against deliberate tampering.)
 */
public record Fingerprint(String hex) {

    private static final BigInteger MODULUS = BigInteger.ONE.shiftLeft(256);

    public Fingerprint {
        Objects.requireNonNull(hex);
        if (hex.length() != 64) {
            throw new IllegalArgumentException("a fingerprint is 64 hex digits");
        }
    }

    public static Fingerprint empty() {
        return new Fingerprint("0".repeat(64));
    }

    @Override
    public String toString() {
        return hex;
    }

    /** Accumulates items; not thread-safe. */
    public static final class Accumulator {
        private final MessageDigest sha256;
        private BigInteger sum = BigInteger.ZERO;
        private long count;
        private long bytes;

        public Accumulator() {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is required by the Java platform", e);
            }
        }

        public void add(byte[] item) {
            add(item, 0, item.length);
        }

        public void add(byte[] item, int offset, int length) {
            sha256.update(item, offset, length);
            sum = sum.add(new BigInteger(1, sha256.digest())).mod(MODULUS);
            count++;
            bytes += length;
        }

        public long count() {
            return count;
        }

        public long bytes() {
            return bytes;
        }

        public Fingerprint fingerprint() {
            byte[] raw = sum.toByteArray();
            byte[] fixed = new byte[32];
            int copy = Math.min(raw.length, 32);
            System.arraycopy(raw, raw.length - copy, fixed, 32 - copy, copy);
            return new Fingerprint(HexFormat.of().formatHex(fixed));
        }
    }
}
