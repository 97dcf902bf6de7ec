package io.devflow.dr.app;

import io.devflow.dr.config.EncryptionConfig;
import io.devflow.dr.crypto.KeyProviders;
import io.devflow.dr.support.RemoteOperationException;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.aws2.kms.KMS2Constants;
import org.apache.camel.impl.DefaultCamelContext;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.CreateKeyResponse;
import software.amazon.awssdk.services.kms.model.DescribeKeyResponse;
import software.amazon.awssdk.services.kms.model.KeyMetadata;

import java.util.Map;

/** Key administration for the aws-kms provider ({@code dr keys describe|create}) through camel-aws2-kms. */
public final class KmsAdmin implements AutoCloseable {

    private final CamelContext camel;
    private final KmsClient kms;
    private final ProducerTemplate producer;
    private final String endpoint;

    public KmsAdmin(EncryptionConfig config) {
        this(KeyProviders.kmsClient(config), config.kmsEndpoint().map(Object::toString).orElse("AWS KMS " + config.kmsRegion()));
    }

    public KmsAdmin(KmsClient kms, String endpoint) {
        this.kms = kms;
        this.endpoint = endpoint;
        this.camel = new DefaultCamelContext();
        camel.getRegistry().bind("kmsClient", kms);
        camel.start();
        this.producer = camel.createProducerTemplate();
    }

    public KeyMetadata describe(String keyId) {
        DescribeKeyResponse response = call("describing key " + keyId, "describeKey",
                Map.of(KMS2Constants.KEY_ID, keyId), DescribeKeyResponse.class);
        return response.keyMetadata();
    }

    public KeyMetadata create(String description) {
        CreateKeyResponse response = call("creating a key", "createKey",
                Map.of(KMS2Constants.DESCRIPTION, description), CreateKeyResponse.class);
        return response.keyMetadata();
    }

    private <T> T call(String what, String operation, Map<String, Object> headers, Class<T> type) {
        try {
            return producer.requestBodyAndHeaders("aws2-kms://dr-keys?operation=" + operation + "&kmsClient=#kmsClient",
                    null, headers, type);
        } catch (CamelExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new RemoteOperationException(what + " at " + endpoint + " failed: " + cause.getMessage(), cause,
                    io.devflow.dr.support.Failures.isTransient(cause));
        }
    }

    @Override
    public void close() {
        try {
            camel.stop();
        } finally {
            kms.close();
        }
    }
}
