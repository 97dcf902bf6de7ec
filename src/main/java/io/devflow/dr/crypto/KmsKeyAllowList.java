package io.devflow.dr.crypto;

import io.devflow.dr.support.RemoteOperationException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsException;

import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The KMS keys data keys may be opened with: the configured ones ({@code keyId} and
 * {@code allowedKeyIds}) and the key ARNs they resolve to. A manifest records the key ARN that wrapped its
 * data key; it is allowed when it is one of the configured entries, when a configured bare key id is its key
 * id, or when it is what a configured alias resolves to: as GenerateDataKey reported it, or else as
 * DescribeKey reports it (asked once per alias and process, only when a key is not otherwise allowed).
 */
final class KmsKeyAllowList {

    private static final String ARN_KEY = ":key/";

    private final KmsClient kms;
    private final Set<String> configured;
    private final Set<String> resolved = ConcurrentHashMap.newKeySet();
    private final Set<String> described = new HashSet<>();

    KmsKeyAllowList(KmsClient kms, Set<String> configured) {
        this.kms = kms;
        this.configured = Set.copyOf(configured);
    }

    /** What the configured key resolved to when KMS used it. */
    void resolvedTo(String keyArn) {
        resolved.add(keyArn);
    }

    /**
     * @throws KeyRefusedException when the key is not allowed, before anything is asked of it
     */
    void check(String keyId, String subject) {
        if (keyId == null || keyId.isBlank()) {
            throw new KeyRefusedException("the manifest of " + subject + " names no KMS key");
        }
        if (allows(keyId)) {
            return;
        }
        synchronized (this) {
            for (String entry : configured) {
                if (isAlias(entry) && described.add(entry)) {
                    resolved.add(describe(entry));
                }
            }
        }
        if (!allows(keyId)) {
            throw new KeyRefusedException("the data key of " + subject + " was wrapped by KMS key '" + keyId
                    + "', which this deployment does not use (encryption.keyId and allowedKeyIds allow "
                    + String.join(", ", new TreeSet<>(configured)) + "): it was copied in from elsewhere, or "
                    + "that key is an older one of ours, which belongs in allowedKeyIds");
        }
    }

    private boolean allows(String keyId) {
        if (configured.contains(keyId) || resolved.contains(keyId)) {
            return true;
        }
        int key = keyId.indexOf(ARN_KEY);
        return keyId.startsWith("arn:") && key > 0 && configured.contains(keyId.substring(key + ARN_KEY.length()));
    }

    private static boolean isAlias(String entry) {
        return entry.startsWith("alias/") || (entry.startsWith("arn:") && entry.contains(":alias/"));
    }

    private String describe(String alias) {
        try {
            return kms.describeKey(b -> b.keyId(alias)).keyMetadata().arn();
        } catch (KmsException e) {
            described.remove(alias);
            throw new KeyUnavailableException("KMS cannot resolve '" + alias + "' to the key it names: "
                    + AwsKmsKeyProvider.describe(e) + " (kms:DescribeKey is needed on it, or list its key ARN in "
                    + "encryption.allowedKeyIds)", e);
        } catch (SdkClientException e) {
            described.remove(alias);
            throw new RemoteOperationException("resolving KMS alias '" + alias + "' failed: KMS is unreachable ("
                    + e.getMessage() + ")", e, true);
        }
    }
}
