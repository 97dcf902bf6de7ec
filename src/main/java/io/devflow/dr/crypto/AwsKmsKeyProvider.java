package io.devflow.dr.crypto;

import io.devflow.dr.config.KeyProviderKind;
import io.devflow.dr.support.RemoteOperationException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.KmsException;

import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Envelope encryption with AWS KMS: GenerateDataKey (AES_256) for each backup and Decrypt to restore,
 * with the backup's {@link KeyContext} as the encryption context. Decrypt is only ever asked of an allowed
 * key ({@link KmsKeyAllowList}), so a manifest naming some other key is refused before any call.
 */
public final class AwsKmsKeyProvider implements KeyProvider {

    private final KmsClient kms;
    private final String keyId;
    private final KmsKeyAllowList allowed;

    public AwsKmsKeyProvider(KmsClient kms, String keyId) {
        this(kms, keyId, List.of());
    }

    /** @param allowedKeyIds keys besides {@code keyId} that may have wrapped data keys (ids, ARNs or aliases) */
    public AwsKmsKeyProvider(KmsClient kms, String keyId, List<String> allowedKeyIds) {
        this.kms = kms;
        this.keyId = keyId;
        Set<String> configured = new LinkedHashSet<>();
        configured.add(keyId);
        configured.addAll(allowedKeyIds);
        this.allowed = new KmsKeyAllowList(kms, configured);
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
            throw unreachable("generating the data key of " + context.subject(), e);
        }
        byte[] plaintext = response.plaintext().asByteArray();
        try {
            // The key ARN KMS reports is recorded, so restores do not depend on an alias that may be re-pointed.
            String wrappingKey = response.keyId() != null ? response.keyId() : keyId;
            allowed.resolvedTo(wrappingKey);
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
            throw new KeyUnavailableException(context.subject() + " was encrypted with the "
                    + wrapped.provider() + " provider, but this configuration uses aws-kms");
        }
        allowed.check(wrapped.keyId(), context.subject());
        DecryptResponse response;
        try {
            response = kms.decrypt(b -> b.keyId(wrapped.keyId())
                    .ciphertextBlob(SdkBytes.fromByteArray(Base64.getDecoder().decode(wrapped.ciphertext())))
                    .encryptionContext(context.encryptionContext()));
        } catch (InvalidCiphertextException | IncorrectKeyException e) {
            throw new KeyRefusedException("KMS cannot decrypt the data key of " + context.subject()
                    + " with key '" + wrapped.keyId() + "': the wrapped key was altered or copied from another backup"
                    + (context.deploymentId().isPresent() ? " or another deployment" : ""), e);
        } catch (KmsException e) {
            throw new KeyUnavailableException("KMS refused to decrypt the data key of " + context.subject()
                    + " with key '" + wrapped.keyId() + "': " + describe(e), e);
        } catch (IllegalArgumentException e) {
            throw new KeyRefusedException("the wrapped data key of " + context.subject() + " is not base64");
        } catch (SdkClientException e) {
            throw unreachable("decrypting the data key of " + context.subject(), e);
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
