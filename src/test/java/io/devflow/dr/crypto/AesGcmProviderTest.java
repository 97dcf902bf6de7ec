package io.devflow.dr.crypto;

import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.Security;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

class AesGcmProviderTest {

    private static final Random RANDOM = new Random(64);

    @Test
    void shouldServeAesGcmFromConscryptWhereItsNativeLibraryLoads() throws Exception {
        assumeThat(System.getProperty("os.arch")).as("Conscrypt's jar carries x86_64 libraries").isIn("amd64", "x86_64");
        assumeThat(System.getProperty("os.name")).isEqualTo("Linux");

        assertThat(AesGcmProvider.inUse()).startsWith("Conscrypt ");
        assertThat(Cipher.getInstance("AES/GCM/NoPadding").getProvider().getName()).isEqualTo(AesGcmProvider.NAME);
    }

    @Test
    void shouldLeaveEveryOtherAlgorithmToTheJdk() throws Exception {
        AesGcmProvider.inUse();

        assertThat(Security.getProvider(AesGcmProvider.NAME) == null ? 0
                : Security.getProvider(AesGcmProvider.NAME).getServices().size()).isLessThanOrEqualTo(1);
        assertThat(Cipher.getInstance("AES/CTR/NoPadding").getProvider().getName()).isEqualTo("SunJCE");
        assertThat(javax.crypto.Mac.getInstance("HmacSHA256").getProvider().getName()).isEqualTo("SunJCE");
        assertThat(javax.net.ssl.SSLContext.getDefault().getProvider().getName()).isEqualTo("SunJSSE");
    }

    @Test
    void shouldProduceTheSameCiphertextAsTheJdkAndOpenWhatTheJdkSealed() throws Exception {
        AesGcmProvider.inUse();
        byte[] key = bytes(32);
        byte[] nonce = bytes(12);
        byte[] aad = bytes(40);
        byte[] plaintext = bytes(3 * 1024 * 1024 + 5);

        byte[] ours = crypt(Cipher.getInstance("AES/GCM/NoPadding"), Cipher.ENCRYPT_MODE, key, nonce, aad, plaintext);
        byte[] jdks = crypt(Cipher.getInstance("AES/GCM/NoPadding", "SunJCE"), Cipher.ENCRYPT_MODE, key, nonce, aad,
                plaintext);

        assertThat(ours).isEqualTo(jdks);
        assertThat(crypt(Cipher.getInstance("AES/GCM/NoPadding"), Cipher.DECRYPT_MODE, key, nonce, aad, jdks))
                .isEqualTo(plaintext);
    }

    private static byte[] crypt(Cipher cipher, int mode, byte[] key, byte[] nonce, byte[] aad, byte[] input)
            throws Exception {
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        cipher.updateAAD(aad);
        return cipher.doFinal(input);
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
