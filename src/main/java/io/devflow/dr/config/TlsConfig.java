package io.devflow.dr.config;

/**
 * The HTTPS certificate and key of the HTTP API, PEM: each either the path of a PEM file or a secret
 * ({@code ${file:/path}}, {@code ${env:NAME}}) whose value is the PEM text or such a path.
 *
 * @param certificate the server certificate, then its chain
 * @param key the private key, PKCS#8 ({@code BEGIN PRIVATE KEY})
 */
public record TlsConfig(Secret certificate, Secret key) {
}
