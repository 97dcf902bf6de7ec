package io.devflow.dr.crypto;

import org.conscrypt.Conscrypt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;
import java.util.List;
import java.util.Map;

/**
 * Puts Conscrypt's AES-GCM (BoringSSL, native) first for {@code AES/GCM/NoPadding}, and nothing else.
 *
 * <p>Tink takes its GCM cipher from the JCA's provider order. The JDK's own GCM runs at about 40 MB/s in a
 * fresh JVM, because the JIT compiles its GHASH loop only after about a gigabyte of segments; a backup ends
 * before then, so encryption was the slowest stage of the archive. Conscrypt's runs at several hundred MB/s
 * from the first segment. Only that one cipher is routed to Conscrypt: TLS, digests, MACs and key factories
 * keep the JDK's providers (decision 64).
 *
 * <p>Where Conscrypt's native library cannot load (an architecture its jar does not carry), the JDK's GCM
 * stays in use; the ciphertext is the same either way.
 */
public final class AesGcmProvider {

    static final String NAME = "DevflowDrAesGcm";
    static final String TRANSFORMATION = "AES/GCM/NoPadding";

    private static final Logger LOG = LoggerFactory.getLogger(AesGcmProvider.class);
    private static final String IN_USE = install();

    private AesGcmProvider() {
    }

    /** Installs the provider once per JVM; returns what serves AES-GCM, for diagnostics. */
    public static String inUse() {
        return IN_USE;
    }

    private static String install() {
        if (Security.getProvider(NAME) != null) {
            return "Conscrypt " + Security.getProvider(NAME).getVersionStr();
        }
        Provider conscrypt;
        try {
            if (!Conscrypt.isAvailable()) {
                return jdk("Conscrypt's native library is not available on " + platform());
            }
            conscrypt = Conscrypt.newProvider();
        } catch (LinkageError | RuntimeException e) {
            return jdk("Conscrypt could not load on " + platform() + ": " + e.getMessage());
        }
        Provider.Service gcm = conscrypt.getService("Cipher", TRANSFORMATION);
        if (gcm == null) {
            return jdk("Conscrypt offers no " + TRANSFORMATION);
        }
        Security.insertProviderAt(new OnlyGcm(gcm, conscrypt.getVersionStr()), 1);
        return "Conscrypt " + conscrypt.getVersionStr();
    }

    private static String jdk(String why) {
        LOG.info("AES-GCM from the JDK's provider ({}); archives encrypt and decrypt more slowly", why);
        return "JDK (" + why + ")";
    }

    private static String platform() {
        return System.getProperty("os.name") + "/" + System.getProperty("os.arch");
    }

    /** A provider with a single service, whose instances come from Conscrypt's. */
    private static final class OnlyGcm extends Provider {

        private static final long serialVersionUID = 1L;

        OnlyGcm(Provider.Service conscryptGcm, String version) {
            super(NAME, version, "AES/GCM/NoPadding from Conscrypt, for Tink's streaming AEAD");
            putService(new Delegate(this, conscryptGcm));
        }
    }

    private static final class Delegate extends Provider.Service {

        private final Provider.Service target;

        Delegate(Provider owner, Provider.Service target) {
            super(owner, "Cipher", TRANSFORMATION, target.getClassName(), List.of(), Map.of());
            this.target = target;
        }

        @Override
        public Object newInstance(Object constructorParameter) throws NoSuchAlgorithmException {
            return target.newInstance(constructorParameter);
        }

        @Override
        public boolean supportsParameter(Object parameter) {
            return target.supportsParameter(parameter);
        }
    }
}
