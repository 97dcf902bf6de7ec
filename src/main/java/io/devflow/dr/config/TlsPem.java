package io.devflow.dr.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API's TLS certificate and private key, read from PEM into an in-memory key store. The one class that
 * touches the TLS private key: it never leaves memory.
 */
public final class TlsPem {

    private static final Pattern PRIVATE_KEY = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final int MAX_BYTES = 1024 * 1024;
    private static final String CONVERT = "convert it with 'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8'";

    private TlsPem() {
    }

    /**
     * A key store holding the key under the alias {@code api} with the certificate chain.
     *
     * @throws ConfigException naming the setting and what is wrong with it
     */
    public static KeyStore keyStore(TlsConfig tls, char[] password) {
        List<Certificate> chain = certificates(tls.certificate());
        PrivateKey key = privateKey(tls.key());
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("api", key, password, chain.toArray(Certificate[]::new));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw problem(tls.key(), "the key does not go with the certificate (" + e.getMessage() + ")");
        }
    }

    /** Problems of the TLS settings, for {@code dr config validate}; empty when the server could use them. */
    public static List<ConfigProblem> check(TlsConfig tls) {
        try {
            keyStore(tls, new char[0]);
            return List.of();
        } catch (ConfigException e) {
            return e.problems();
        }
    }

    private static List<Certificate> certificates(Secret setting) {
        String pem = pem(setting);
        try {
            List<Certificate> chain = new ArrayList<>(CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
            if (chain.isEmpty()) {
                throw problem(setting, "holds no certificate (expected PEM: -----BEGIN CERTIFICATE-----)");
            }
            return chain;
        } catch (CertificateException e) {
            throw problem(setting, "is not a PEM certificate (" + e.getMessage() + ")");
        }
    }

    private static PrivateKey privateKey(Secret setting) {
        String pem = pem(setting);
        Matcher m = PRIVATE_KEY.matcher(pem);
        if (!m.find()) {
            throw problem(setting, pem.contains("-----BEGIN") ? "is not an unencrypted PKCS#8 key (BEGIN PRIVATE KEY); "
                    + CONVERT : "holds no PEM private key");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        try {
            for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
                try {
                    return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                } catch (GeneralSecurityException e) {
                    // another algorithm's key
                }
            }
            throw problem(setting, "is not an RSA, EC or Ed25519 key");
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    /** The PEM text: the secret's value, or the file it names. */
    private static String pem(Secret setting) {
        String value = setting.reveal();
        if (value.startsWith("-----BEGIN")) {
            return value;
        }
        try {
            return TextFiles.read(Path.of(value), MAX_BYTES, StandardCharsets.US_ASCII);
        } catch (TextFiles.TooLargeException e) {
            throw problem(setting, "names a file larger than 1 MiB, which no PEM file is");
        } catch (IOException | InvalidPathException e) {
            // a literal is a path and may be shown; a secret's value is never shown
            throw problem(setting, "is neither PEM text nor a readable PEM file"
                    + (setting.isReference() ? "" : " (" + value + ": " + e.getClass().getSimpleName() + ")"));
        }
    }

    private static ConfigException problem(Secret setting, String message) {
        return ConfigException.single(new ConfigProblem(setting.path(), message));
    }
}
