package io.devflow.dr.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test double of the AWS KMS wire protocol that performs real AES-GCM encryption, because no KMS server is
 * available here. It is not AWS KMS: it proves the client side of the protocol, not AWS's own behaviour. It
 * speaks AWS JSON 1.1 ({@code X-Amz-Target: TrentService.<Operation>}, {@code application/x-amz-json-1.1}) on
 * 127.0.0.1 and a free port, so the real AWS SDK {@link KmsClient} (and camel-aws2-kms on top of it) talks to it
 * over HTTP exactly as it would to AWS.
 *
 * <p>It performs real cryptography: each key is a random 256-bit AES key held in memory only. GenerateDataKey
 * and Encrypt return AES-GCM ciphertexts whose associated data is the key id plus the encryption context as
 * sorted JSON; Decrypt verifies the tag and answers {@code InvalidCiphertextException} when the blob or the
 * context was altered. The key id travels in the blob, as with AWS KMS, so Decrypt needs no KeyId.
 *
 * <p>Operations: CreateKey (symmetric only), DescribeKey, ListKeys (one page), GenerateDataKey (KeySpec or
 * NumberOfBytes), Encrypt, Decrypt. Keys are named by id, key ARN, {@code alias/name} or alias ARN; aliases are
 * registered by the test with {@link #createAlias}. Errors are KMS-style JSON ({@code __type}, {@code message}).
 *
 * <p>Not modelled: SigV4 signatures are not checked (any credentials work), nor grants, policies, key rotation,
 * key states other than Enabled, or paging.
 */
public final class KmsProtocolTestEndpoint implements AutoCloseable {

    public static final String ACCOUNT = "111122223333";
    public static final String REGION = "us-east-1";

    /** What every call answers while {@link #failEveryCall} is in force. */
    public enum Outage {
        /** Calls are served normally. */
        NONE,
        /** HTTP 500 {@code KMSInternalException}: a transient server fault. */
        INTERNAL_ERROR,
        /** HTTP 400 {@code AccessDeniedException}: the caller's credentials lack permission. */
        ACCESS_DENIED
    }

    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    private static final String TARGET_PREFIX = "TrentService.";
    private static final byte BLOB_VERSION = 1;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Key(String id, String arn, String description, Instant created, SecretKey material) {
    }

    /** A KMS-style error: HTTP status, {@code __type} and message. */
    private static final class KmsError extends Exception {
        final int status;
        final String type;

        KmsError(int status, String type, String message) {
            super(message, null, false, false);
            this.status = status;
            this.type = type;
        }

        static KmsError client(String type, String message) {
            return new KmsError(400, type, message);
        }
    }

    private final HttpServer server;
    private final URI endpoint;
    private final ExecutorService executor;
    private final Map<String, Key> keys = new ConcurrentHashMap<>();
    private final Map<String, String> aliases = new ConcurrentHashMap<>();
    private final List<String> operations = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Outage outage = Outage.NONE;

    private KmsProtocolTestEndpoint() throws IOException {
        AtomicInteger threads = new AtomicInteger();
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "kms-test-endpoint-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
        endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public static KmsProtocolTestEndpoint start() {
        try {
            return new KmsProtocolTestEndpoint();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the KMS-protocol test endpoint on 127.0.0.1", e);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    /** A real SDK client for this endpoint: static test credentials, region {@value #REGION}, Apache HTTP. */
    public KmsClient newClient() {
        return KmsClient.builder()
                .endpointOverride(endpoint())
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    /** Creates a key directly, as an administrator would have done before the test; returns its key id. */
    public String createKey(String description) {
        return newKey(description).id();
    }

    /** Points {@code alias/name} at a key (what CreateAlias would do). */
    public void createAlias(String alias, String keyId) {
        if (!alias.startsWith("alias/")) {
            throw new IllegalArgumentException("an alias starts with 'alias/': " + alias);
        }
        if (!keys.containsKey(keyId)) {
            throw new IllegalArgumentException("no key " + keyId);
        }
        aliases.put(alias, keyId);
    }

    public String arnOf(String keyId) {
        return keyArn(keyId);
    }

    /** Whether a key id, key ARN, alias or alias ARN names a key this endpoint holds. */
    public boolean knows(String keyIdOrAlias) {
        return lookUp(keyIdOrAlias) != null;
    }

    /** The operations served so far, in order (e.g. {@code GenerateDataKey}), failed ones included. */
    public List<String> operations() {
        synchronized (operations) {
            return List.copyOf(operations);
        }
    }

    public void failEveryCall(Outage outage) {
        this.outage = outage;
    }

    /** Stops serving: afterwards connections to {@link #endpoint()} are refused. Safe to call twice. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String operation = target != null && target.startsWith(TARGET_PREFIX)
                    ? target.substring(TARGET_PREFIX.length()) : String.valueOf(target);
            operations.add(operation);
            int status = 200;
            ObjectNode response;
            try {
                checkOutage();
                if (!"POST".equals(exchange.getRequestMethod())) {
                    throw KmsError.client("UnknownOperationException", "KMS takes POST, not " + exchange.getRequestMethod());
                }
                response = dispatch(operation, parse(body));
            } catch (KmsError e) {
                status = e.status;
                response = JSON.createObjectNode().put("__type", e.type).put("message", e.getMessage());
            }
            byte[] bytes = JSON.writeValueAsBytes(response);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private void checkOutage() throws KmsError {
        switch (outage) {
            case INTERNAL_ERROR -> throw new KmsError(500, "KMSInternalException", "the test endpoint simulates an internal error");
            case ACCESS_DENIED -> throw KmsError.client("AccessDeniedException",
                    "User: arn:aws:iam::" + ACCOUNT + ":user/test is not authorized to perform this operation");
            case NONE -> {
            }
        }
    }

    private static JsonNode parse(byte[] body) throws KmsError {
        try {
            JsonNode node = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw KmsError.client("SerializationException", "the request body is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw KmsError.client("SerializationException", "the request body is not JSON");
        }
    }

    private ObjectNode dispatch(String operation, JsonNode request) throws KmsError {
        return switch (operation) {
            case "CreateKey" -> createKey(request);
            case "DescribeKey" -> JSON.createObjectNode().set("KeyMetadata", metadata(requireKey(request)));
            case "ListKeys" -> listKeys();
            case "GenerateDataKey" -> generateDataKey(request);
            case "Encrypt" -> encrypt(request);
            case "Decrypt" -> decrypt(request);
            default -> throw KmsError.client("UnknownOperationException",
                    "the KMS-protocol test endpoint does not implement " + operation);
        };
    }

    private ObjectNode createKey(JsonNode request) throws KmsError {
        String spec = request.path("KeySpec").asText("SYMMETRIC_DEFAULT");
        String usage = request.path("KeyUsage").asText("ENCRYPT_DECRYPT");
        if (!"SYMMETRIC_DEFAULT".equals(spec) || !"ENCRYPT_DECRYPT".equals(usage)) {
            throw KmsError.client("UnsupportedOperationException",
                    "the test endpoint creates SYMMETRIC_DEFAULT ENCRYPT_DECRYPT keys only");
        }
        Key key = newKey(request.path("Description").asText(""));
        return JSON.createObjectNode().set("KeyMetadata", metadata(key));
    }

    private ObjectNode listKeys() {
        ObjectNode response = JSON.createObjectNode();
        var array = response.putArray("Keys");
        new TreeMap<>(keys).values().forEach(k -> array.addObject().put("KeyId", k.id()).put("KeyArn", k.arn()));
        response.put("Truncated", false);
        return response;
    }

    private ObjectNode generateDataKey(JsonNode request) throws KmsError {
        Key key = requireKey(request);
        boolean hasSpec = request.hasNonNull("KeySpec");
        boolean hasLength = request.hasNonNull("NumberOfBytes");
        if (hasSpec == hasLength) {
            throw KmsError.client("ValidationException", "give exactly one of KeySpec or NumberOfBytes");
        }
        int length;
        if (hasSpec) {
            length = switch (request.get("KeySpec").asText()) {
                case "AES_256" -> 32;
                case "AES_128" -> 16;
                default -> throw KmsError.client("ValidationException",
                        "KeySpec must be AES_256 or AES_128, was " + request.get("KeySpec").asText());
            };
        } else {
            length = request.get("NumberOfBytes").asInt();
            if (length < 1 || length > 1024) {
                throw KmsError.client("ValidationException", "NumberOfBytes must be between 1 and 1024");
            }
        }
        byte[] plaintext = new byte[length];
        RANDOM.nextBytes(plaintext);
        return JSON.createObjectNode()
                .put("CiphertextBlob", base64(seal(key, plaintext, context(request))))
                .put("Plaintext", base64(plaintext))
                .put("KeyId", key.arn());
    }

    private ObjectNode encrypt(JsonNode request) throws KmsError {
        Key key = requireKey(request);
        byte[] plaintext = blob(request, "Plaintext");
        if (plaintext.length < 1 || plaintext.length > 4096) {
            throw KmsError.client("ValidationException", "Plaintext must be 1 to 4096 bytes");
        }
        return JSON.createObjectNode()
                .put("CiphertextBlob", base64(seal(key, plaintext, context(request))))
                .put("KeyId", key.arn())
                .put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
    }

    private ObjectNode decrypt(JsonNode request) throws KmsError {
        ByteBuffer blob = ByteBuffer.wrap(blob(request, "CiphertextBlob"));
        String embeddedId;
        byte[] header;
        try {
            if (blob.get() != BLOB_VERSION) {
                throw invalidCiphertext();
            }
            byte[] id = new byte[Byte.toUnsignedInt(blob.get())];
            blob.get(id);
            embeddedId = new String(id, StandardCharsets.UTF_8);
            header = new byte[blob.position()];
            blob.get(0, header);
        } catch (RuntimeException e) {
            throw invalidCiphertext();
        }
        Key key = keys.get(embeddedId);
        if (key == null) {
            throw invalidCiphertext();
        }
        if (request.hasNonNull("KeyId")) {
            Key named = requireKey(request);
            if (!named.id().equals(key.id())) {
                throw KmsError.client("IncorrectKeyException",
                        "The key ID in the request does not identify a CMK that can perform this operation.");
            }
        }
        if (blob.remaining() < IV_BYTES + TAG_BITS / 8) {
            throw invalidCiphertext();
        }
        byte[] iv = new byte[IV_BYTES];
        blob.get(iv);
        byte[] sealed = new byte[blob.remaining()];
        blob.get(sealed);
        byte[] plaintext;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.material(), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(header);
            cipher.updateAAD(context(request));
            plaintext = cipher.doFinal(sealed);
        } catch (AEADBadTagException e) {
            throw invalidCiphertext();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
        return JSON.createObjectNode()
                .put("KeyId", key.arn())
                .put("Plaintext", base64(plaintext))
                .put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
    }

    /** version (1) | key id length (1) | key id | IV (12) | AES-GCM ciphertext and tag; AAD = header + context. */
    private static byte[] seal(Key key, byte[] plaintext, byte[] context) {
        byte[] id = key.id().getBytes(StandardCharsets.UTF_8);
        byte[] header = ByteBuffer.allocate(2 + id.length).put(BLOB_VERSION).put((byte) id.length).put(id).array();
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.material(), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(header);
            cipher.updateAAD(context);
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(header.length + iv.length + sealed.length).put(header).put(iv).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /** The encryption context as JSON with sorted keys, so the same pairs in any order give the same AAD. */
    private static byte[] context(JsonNode request) throws KmsError {
        JsonNode node = request.path("EncryptionContext");
        Map<String, String> sorted = new TreeMap<>();
        if (!node.isMissingNode() && !node.isNull()) {
            if (!node.isObject()) {
                throw KmsError.client("ValidationException", "EncryptionContext must be a map of strings");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                sorted.put(e.getKey(), e.getValue().asText());
            }
        }
        try {
            return JSON.writeValueAsBytes(sorted);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Key newKey(String description) {
        String id = UUID.randomUUID().toString();
        Key key = new Key(id, keyArn(id), description, Instant.now().truncatedTo(ChronoUnit.MILLIS), newAesKey());
        keys.put(id, key);
        return key;
    }

    private static SecretKey newAesKey() {
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256, RANDOM);
            return generator.generateKey();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES is unavailable", e);
        }
    }

    private Key requireKey(JsonNode request) throws KmsError {
        if (!request.hasNonNull("KeyId") || request.get("KeyId").asText().isEmpty()) {
            throw KmsError.client("ValidationException", "1 validation error detected: Value null at 'keyId' "
                    + "failed to satisfy constraint: Member must not be null");
        }
        String name = request.get("KeyId").asText();
        Key key = lookUp(name);
        if (key == null) {
            throw KmsError.client("NotFoundException", (name.contains("alias/") ? "Alias '" : "Key '") + name
                    + "' does not exist");
        }
        return key;
    }

    private Key lookUp(String name) {
        String arnPrefix = "arn:aws:kms:" + REGION + ":" + ACCOUNT + ":";
        String local = name.startsWith(arnPrefix) ? name.substring(arnPrefix.length()) : name;
        if (local.startsWith("alias/")) {
            String target = aliases.get(local);
            return target == null ? null : keys.get(target);
        }
        if (local.startsWith("key/")) {
            local = local.substring("key/".length());
        } else if (name.startsWith("arn:")) {
            return null;
        }
        return keys.get(local);
    }

    private static ObjectNode metadata(Key key) {
        ObjectNode m = JSON.createObjectNode()
                .put("AWSAccountId", ACCOUNT)
                .put("KeyId", key.id())
                .put("Arn", key.arn())
                .put("CreationDate", BigDecimal.valueOf(key.created().toEpochMilli()).movePointLeft(3))
                .put("Enabled", true)
                .put("Description", key.description())
                .put("KeyUsage", "ENCRYPT_DECRYPT")
                .put("KeyState", "Enabled")
                .put("Origin", "AWS_KMS")
                .put("KeyManager", "CUSTOMER")
                .put("CustomerMasterKeySpec", "SYMMETRIC_DEFAULT")
                .put("KeySpec", "SYMMETRIC_DEFAULT")
                .put("MultiRegion", false);
        m.putArray("EncryptionAlgorithms").add("SYMMETRIC_DEFAULT");
        return m;
    }

    private static String keyArn(String keyId) {
        return "arn:aws:kms:" + REGION + ":" + ACCOUNT + ":key/" + keyId;
    }

    private static byte[] blob(JsonNode request, String member) throws KmsError {
        if (!request.hasNonNull(member)) {
            throw KmsError.client("ValidationException", member + " is required");
        }
        try {
            return Base64.getDecoder().decode(request.get(member).asText());
        } catch (IllegalArgumentException e) {
            throw KmsError.client("SerializationException", member + " is not base64");
        }
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static KmsError invalidCiphertext() {
        return KmsError.client("InvalidCiphertextException",
                "the ciphertext, its key or its encryption context does not match what was encrypted");
    }
}
