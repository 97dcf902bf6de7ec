package io.devflow.dr.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

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
    private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();
    /** Far beyond any keyring (a key is about 120 bytes), so a read under the lock never has to grow. */
    private static final long MAX_BYTES = 16L * 1024 * 1024;

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
     * Creates a new keyring with one key. The file appears whole or not at all: it is written to a temporary
     * file beside it, flushed to disk, then linked into place, which fails when the file exists.
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
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(file.toString());
            }
            Path temp = keyring.writeTemporary();
            try {
                publish(temp, file);
            } finally {
                Files.deleteIfExists(temp);
            }
            syncDirectory(file);
        } catch (FileAlreadyExistsException e) {
            throw new KeyringException("keyring " + file + " already exists; it is never overwritten "
                    + "(use 'dr keys create' to add a key)");
        } catch (IOException e) {
            throw new KeyringException("cannot create keyring " + file + ": " + e.getMessage());
        }
        return keyring;
    }

    /** Links the finished temporary file to its name, refusing an existing one atomically where links work. */
    private static void publish(Path temp, Path file) throws IOException {
        try {
            Files.createLink(file, temp);
        } catch (UnsupportedOperationException e) {
            Files.move(temp, file);
        }
    }

    /**
     * @throws KeyringException when the file is missing, readable by others, or malformed
     */
    public static LocalKeyring load(Path file) {
        return load(file, () -> Files.readString(file, StandardCharsets.UTF_8));
    }

    private interface Contents {
        String read() throws IOException;
    }

    private static LocalKeyring load(Path file, Contents contents) {
        try {
            if (supportsPosix(file)) {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
                if (!OWNER_ONLY.containsAll(permissions)) {
                    throw new KeyringException("keyring " + file + " is readable by others (mode "
                            + PosixFilePermissions.toString(permissions) + "); restrict it with: chmod 600 " + file);
                }
            }
            JsonNode root = JSON.readTree(contents.read());
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

    /** Adds a new key to the keyring file, as {@link #rotate(Path, Clock)} does, whatever this copy holds. */
    public LocalKeyring rotate(Clock clock) {
        return rotate(file, clock);
    }

    /**
     * Adds a new key to the keyring file and makes it primary. The file is locked and read again under the lock,
     * so two rotations at once (two {@code dr keys create}, or threads) each add their key and neither loses the
     * other's; it is replaced atomically by a complete, flushed copy, so a crash leaves the old keyring or the new
     * one, never half of one.
     */
    public static LocalKeyring rotate(Path file, Clock clock) {
        return locked(file, channel -> {
            LocalKeyring current = load(file, () -> read(channel));
            Entry added = newEntry(clock);
            Map<String, Entry> next = new LinkedHashMap<>(current.keys);
            next.put(added.id(), added);
            LocalKeyring rotated = new LocalKeyring(file, added.id(), next);
            rotated.replace();
            return rotated;
        });
    }

    /**
     * Runs {@code action} holding the keyring's lock: a lock within this process (a file lock is held per
     * process, not per thread) and an exclusive lock on the file itself. The file is replaced by a rename, so a
     * lock taken on the file that was just replaced is dropped and taken again on the current one. The action
     * reads the file through the locked channel only: on POSIX systems closing any other descriptor of the file
     * would release the process's lock.
     */
    private static <T> T locked(Path file, Function<FileChannel, T> action) {
        ReentrantLock inProcess = LOCKS.computeIfAbsent(file.toAbsolutePath().normalize(), k -> new ReentrantLock());
        inProcess.lock();
        try {
            while (true) {
                Object before = fileKey(file);
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                     FileLock lock = channel.lock()) {
                    if (before == null || before.equals(fileKey(file))) {
                        return action.apply(channel);
                    }
                }
            }
        } catch (NoSuchFileException e) {
            throw new KeyringException("keyring " + file + " does not exist; create it with 'dr keys init'");
        } catch (IOException e) {
            throw new KeyringException("cannot lock keyring " + file + ": " + e.getMessage());
        } finally {
            inProcess.unlock();
        }
    }

    private static String read(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(channel.size(), MAX_BYTES));
        channel.position(0);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                break;
            }
        }
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    }

    private static Object fileKey(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
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
            throw new KeyRefusedException("local key '" + keyId + "' is not in keyring " + file
                    + " (it holds " + String.join(", ", keys.keySet()) + "): copied from elsewhere, or this keyring "
                    + "lacks a key another one has (copy it in; the keyring is reloaded when it changes)");
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

    /** Replaces the keyring file with this keyring: a flushed temporary file renamed over it. */
    private void replace() {
        try {
            Path temp = writeTemporary();
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
            syncDirectory(file);
        } catch (IOException e) {
            throw new KeyringException("cannot write keyring " + file + ": " + e.getMessage());
        }
    }

    /** This keyring in a new temporary file beside its own (owner-only), written through to the disk. */
    private Path writeTemporary() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", 1);
        root.put("primary", primary);
        ArrayNode array = root.putArray("keys");
        keys.values().forEach(e -> array.addObject()
                .put("id", e.id())
                .put("created", e.created().toString())
                .put("material", e.material()));
        Path dir = file.toAbsolutePath().getParent();
        Path temp = supportsPosix(file)
                ? Files.createTempFile(dir, ".keyring", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                : Files.createTempFile(dir, ".keyring", ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.wrap(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        return temp;
    }

    /** Makes a rename in the keyring's directory durable; platforms that cannot open a directory skip it. */
    private static void syncDirectory(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // a directory cannot be opened for syncing here: the rename is as durable as the platform makes it
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
