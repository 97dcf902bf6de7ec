package io.devflow.dr.failover.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.support.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Routing through a file that a proxy (HAProxy, nginx, a sidecar) reads: {@code {"activeRegion", "state", "term",
 * "failoverId", "updatedAt"}}, where a drained region has the state {@code draining}. Every write is atomic (a
 * temporary file beside it, flushed, renamed over it, the directory flushed), so a reader sees the old content or
 * the new, never a part. A change keeps the file's exact previous bytes (or that there was none), and undoing it
 * puts them back byte for byte or removes the file.
 */
public final class FileRoutingProvider implements RoutingProvider {

    /** The active region's term and the failover that made it active (null for none), for the file's content. */
    public record Context(String failoverId, long term) {
    }

    private final Path file;
    private final Supplier<Context> context;
    private final Clock clock;

    public FileRoutingProvider(Path file, Supplier<Context> context, Clock clock) {
        this.file = file;
        this.context = context;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "file";
    }

    @Override
    public Optional<RegionId> current() {
        return read().map(bytes -> {
            try {
                return Json.MAPPER.readTree(bytes).path("activeRegion").asText("");
            } catch (IOException e) {
                return "";
            }
        }).filter(RegionId::isValid).map(RegionId::of);
    }

    @Override
    public RoutingChange drain(RegionId source) {
        return write("drain", source, "draining");
    }

    @Override
    public RoutingChange routeTo(RegionId target) {
        return write("route", target, "active");
    }

    @Override
    public void undo(RoutingChange change) {
        JsonNode before = change.before();
        if (before.path("exists").asBoolean()) {
            replace(Base64.getDecoder().decode(before.path("content").asText()));
        } else {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the routing file " + file + ": " + e.getMessage(), e);
            }
        }
    }

    private RoutingChange write(String action, RegionId region, String state) {
        ObjectNode before = snapshot();
        Context now = context.get();
        ObjectNode content = Json.MAPPER.createObjectNode();
        content.put("activeRegion", region.value());
        content.put("state", state);
        content.put("term", now.term());
        content.put("failoverId", now.failoverId());
        content.put("updatedAt", clock.instant().toString());
        replace(Json.bytes(content));
        return new RoutingChange(name(), action, before, snapshot(), clock.instant());
    }

    /** The file as it is: whether it exists and its bytes (base64), and its JSON for people reading the record. */
    private ObjectNode snapshot() {
        ObjectNode node = Json.MAPPER.createObjectNode().put("path", file.toString());
        Optional<byte[]> bytes = read();
        node.put("exists", bytes.isPresent());
        bytes.ifPresent(b -> node.put("content", Base64.getEncoder().encodeToString(b)));
        return node;
    }

    private Optional<byte[]> read() {
        try {
            return Files.exists(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the routing file " + file + ": " + e.getMessage(), e);
        }
    }

    private void replace(byte[] content) {
        Path directory = file.toAbsolutePath().getParent();
        Path temporary = directory.resolve("." + file.getFileName() + ".tmp");
        try {
            Files.createDirectories(directory);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + directory + " cannot rename atomically; put "
                        + "recovery.failover.routing.file.path on one that can", e);
            }
            try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
                dir.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the routing file " + file + ": " + e.getMessage(), e);
        }
    }
}
