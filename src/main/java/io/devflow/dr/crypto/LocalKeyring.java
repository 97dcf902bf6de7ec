package io.devflow.dr.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The local provider's master keys: a JSON file, readable by its owner only, holding one or more 256-bit
 * keys and naming the primary one. Rotation adds a key and makes it primary; older keys stay so older
 * backups remain readable.
 */
public final class LocalKeyring {

    static final String FORMAT = "devflow-dr-keyring";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What may be shown about a key: never its material. */
    public record KeyInfo(String id, Instant created, boolean primary) {
    }

    private final Path file;
    private final String primary;
    private final Map<String, Entry> keys;

    private record Entry(String id, Instant created, String material) {
    }

    private LocalKeyring(Path file, String primary, Map<String, Entry> keys) {
        this.file = file;
        this.primary = primary;
        this.keys = keys;
    }

    /**
     * Creates a new keyring with one key.
     *
     * @throws KeyringException when the file exists already (it is never overwritten)
     */
    public static LocalKeyring create(Path file, Clock clock) {
        Entry first = newEntry(clock);
        Map<String, Entry> keys = new LinkedHashMap<>();
        keys.put(first.id(), first);
        LocalKeyring keyring = new LocalKeyring(file, first.id(), keys);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (supportsPosix(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException e) {
            throw new KeyringException("keyring " + file + " already exists; it is never overwritten "
                    + "(use 'dr keys create' to add a key)");
        } catch (IOException e) {
            throw new KeyringException("cannot create keyring " + file + ": " + e.getMessage());
        }
        keyring.write(file);
        return keyring;
    }

    /**
     * @throws KeyringException when the file is missing, readable by others, or malformed
     */
    public static LocalKeyring load(Path file) {
        try {
            if (supportsPosix(file)) {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
                if (!OWNER_ONLY.containsAll(permissions)) {
                    throw new KeyringException("keyring " + file + " is readable by others (mode "
                            + PosixFilePermissions.toString(permissions) + "); restrict it with: chmod 600 " + file);
                }
            }
            JsonNode root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (root == null || !FORMAT.equals(root.path("format").asText())) {
                throw new KeyringException("keyring " + file + " is not a devflow-dr keyring");
            }
            Map<String, Entry> keys = new LinkedHashMap<>();
            for (JsonNode k : root.path("keys")) {
                Entry e = new Entry(k.path("id").asText(), Instant.parse(k.path("created").asText()),
                        k.path("material").asText());
                keys.put(e.id(), e);
            }
            String primary = root.path("primary").asText();
            if (!keys.containsKey(primary)) {
                throw new KeyringException("keyring " + file + " names primary key '" + primary + "' that it does not hold");
            }
            return new LocalKeyring(file, primary, keys);
        } catch (NoSuchFileException e) {
            throw new KeyringException("keyring " + file + " does not exist; create it with 'dr keys init'");
        } catch (IOException | RuntimeException e) {
            if (e instanceof KeyringException ke) {
                throw ke;
            }
            throw new KeyringException("keyring " + file + " cannot be read: " + e.getClass().getSimpleName());
        }
    }

    /** Adds a new key, makes it primary and rewrites the file atomically. */
    public LocalKeyring rotate(Clock clock) {
        Entry added = newEntry(clock);
        Map<String, Entry> next = new LinkedHashMap<>(keys);
        next.put(added.id(), added);
        LocalKeyring rotated = new LocalKeyring(file, added.id(), next);
        rotated.write(file);
        return rotated;
    }

    public String primaryId() {
        return primary;
    }

    public Path file() {
        return file;
    }

    public List<KeyInfo> describe() {
        List<KeyInfo> result = new ArrayList<>();
        keys.values().forEach(e -> result.add(new KeyInfo(e.id(), e.created(), e.id().equals(primary))));
        return result;
    }

    public boolean contains(String keyId) {
        return keys.containsKey(keyId);
    }

    /** The key's material; the caller closes it. */
    KeyMaterial material(String keyId) {
        Entry e = keys.get(keyId);
        if (e == null) {
            throw new KeyUnavailableException("local key '" + keyId + "' is not in keyring " + file
                    + " (it holds " + String.join(", ", keys.keySet()) + ")");
        }
        return KeyMaterial.fromBase64(e.material());
    }

    private static Entry newEntry(Clock clock) {
        Instant now = clock.instant();
        byte[] suffix = new byte[4];
        RANDOM.nextBytes(suffix);
        try (KeyMaterial key = KeyMaterial.random()) {
            return new Entry("local-" + DAY.format(now) + "-" + HexFormat.of().formatHex(suffix), now, key.toBase64());
        }
    }

    private void write(Path target) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", 1);
        root.put("primary", primary);
        ArrayNode array = root.putArray("keys");
        keys.values().forEach(e -> array.addObject()
                .put("id", e.id())
                .put("created", e.created().toString())
                .put("material", e.material()));
        try {
            Path dir = target.toAbsolutePath().getParent();
            Path temp = supportsPosix(target)
                    ? Files.createTempFile(dir, ".keyring", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                    : Files.createTempFile(dir, ".keyring", ".tmp");
            try {
                Files.writeString(temp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root), StandardCharsets.UTF_8);
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new KeyringException("cannot write keyring " + target + ": " + e.getMessage());
        }
    }

    private static boolean supportsPosix(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        return dir != null && Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null;
    }

    /** The keyring file is missing, unsafe or malformed; a configuration problem, exit code 2. */
    public static class KeyringException extends RuntimeException {
        public KeyringException(String message) {
            super(message);
        }
    }
}
