package io.devflow.dr.testing;

import io.devflow.dr.control.ConflictCipher;
import io.devflow.dr.crypto.KeyMaterial;
import io.devflow.dr.crypto.KeyProvider;
import io.devflow.dr.crypto.LocalKeyProvider;

import java.time.Clock;

/** Key providers for tests that need keys but no keyring file: a random master key held in memory. */
public final class TestKeys {

    private TestKeys() {
    }

    public static KeyProvider inMemory() {
        try (KeyMaterial master = KeyMaterial.random()) {
            return LocalKeyProvider.fromMasterKey("test-master", master.toBase64());
        }
    }

    /** What conflict stores under test encrypt with. */
    public static ConflictCipher conflictCipher() {
        return new ConflictCipher(inMemory(), TestEnvironment.DEPLOYMENT, Clock.systemUTC());
    }
}
