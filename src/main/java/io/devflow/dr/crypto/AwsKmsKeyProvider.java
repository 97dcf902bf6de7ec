package io.devflow.dr.crypto;

import io.devflow.dr.config.KeyProviderKind;
import io.devflow.dr.support.RemoteOperationException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.KmsException;

import java.util.Arrays;
import java.util.Base64;

/**
 * Envelope encryption with AWS KMS: GenerateDataKey (AES_256) for each backup and Decrypt to restore,
 * with the backup's {@link KeyContext} as the encryption context.
 */
public final class AwsKmsKeyProvider implements KeyProvider {

    private final KmsClient kms;
    private final String keyId;

    public AwsKmsKeyProvider(KmsClient kms, String keyId) {
        this.kms = kms;
        this.keyId = keyId;
    }

    @Override
    public KeyProviderKind kind() {
        return KeyProviderKind.AWS_KMS;
    }

    @Override
    public String currentKeyId() {
        return keyId;
    }

    @Override
    public DataKey newDataKey(KeyContext context) {
        GenerateDataKeyResponse response;
        try {
            response = kms.generateDataKey(b -> b.keyId(keyId).keySpec(DataKeySpec.AES_256)
                    .encryptionContext(context.encryptionContext()));
        } catch (KmsException e) {
            throw new KeyUnavailableException("KMS refused to generate a data key with key '" + keyId + "': "
                    + describe(e), e);
        } catch (SdkClientException e) {
            throw unreachable("generating the data key of backup " + context.backupId(), e);
        }
        byte[] plaintext = response.plaintext().asByteArray();
        try {
            // The key ARN KMS reports is recorded, so restores do not depend on an alias that may be re-pointed.
            String wrappingKey = response.keyId() != null ? response.keyId() : keyId;
            return new DataKey(KeyMaterial.copyOf(plaintext), new WrappedKey(KeyProviderKind.AWS_KMS.configName(),
                    wrappingKey, Base64.getEncoder().encodeToString(response.ciphertextBlob().asByteArray())));
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    @Override
    public void close() {
        kms.close();
    }

    @Override
    public DataKey open(WrappedKey wrapped, KeyContext context) {
        if (!KeyProviderKind.AWS_KMS.configName().equals(wrapped.provider())) {
            throw new KeyUnavailableException("backup " + context.backupId() + " was encrypted with the "
                    + wrapped.provider() + " provider, but this configuration uses aws-kms");
        }
        DecryptResponse response;
        try {
            response = kms.decrypt(b -> b.keyId(wrapped.keyId())
                    .ciphertextBlob(SdkBytes.fromByteArray(Base64.getDecoder().decode(wrapped.ciphertext())))
                    .encryptionContext(context.encryptionContext()));
        } catch (InvalidCiphertextException e) {
            throw new KeyUnavailableException("KMS cannot decrypt the data key of backup " + context.backupId()
                    + " with key '" + wrapped.keyId() + "': the wrapped key was altered or copied from another backup", e);
        } catch (KmsException e) {
            throw new KeyUnavailableException("KMS refused to decrypt the data key of backup " + context.backupId()
                    + " with key '" + wrapped.keyId() + "': " + describe(e), e);
        } catch (IllegalArgumentException e) {
            throw new KeyUnavailableException("the wrapped data key of backup " + context.backupId() + " is not base64");
        } catch (SdkClientException e) {
            throw unreachable("decrypting the data key of backup " + context.backupId(), e);
        }
        byte[] plaintext = response.plaintext().asByteArray();
        try {
            return new DataKey(KeyMaterial.copyOf(plaintext), wrapped);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    private RemoteOperationException unreachable(String what, SdkClientException e) {
        return new RemoteOperationException(what + " with KMS key '" + keyId + "' failed: KMS is unreachable ("
                + e.getMessage() + ")", e, true);
    }

    static String describe(KmsException e) {
        String code = e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : null;
        String message = e.awsErrorDetails() != null ? e.awsErrorDetails().errorMessage() : e.getMessage();
        return (code != null ? code + ": " : "") + message;
    }
}
