package io.devflow.dr.app;

import io.devflow.dr.config.TlsConfig;
import io.devflow.dr.config.TlsPem;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.SSLContextServerParameters;
import org.apache.camel.support.jsse.SecureSocketProtocolsParameters;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * The HTTPS settings of the API server for Camel (the platform-http server uses the global SSL context parameters):
 * the PEM certificate and key of {@code api.tls}, in a key store that exists only in memory, TLS 1.2 and 1.3.
 */
final class ApiTls {

    private ApiTls() {
    }

    static SSLContextParameters parameters(TlsConfig tls) {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        KeyStoreParameters store = new KeyStoreParameters();
        store.setKeyStore(TlsPem.keyStore(tls, password.toCharArray()));
        store.setPassword(password);
        KeyManagersParameters keys = new KeyManagersParameters();
        keys.setKeyStore(store);
        keys.setKeyPassword(password);
        SSLContextParameters parameters = new SSLContextParameters();
        parameters.setKeyManagers(keys);
        parameters.setSecureSocketProtocols(new SecureSocketProtocolsParameters());
        parameters.getSecureSocketProtocols().getSecureSocketProtocol().addAll(List.of("TLSv1.3", "TLSv1.2"));
        parameters.setServerParameters(new SSLContextServerParameters());
        return parameters;
    }
}
