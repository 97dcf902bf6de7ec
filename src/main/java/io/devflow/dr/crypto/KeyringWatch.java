package io.devflow.dr.crypto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.function.Supplier;

/**
 * The keyring file as it is now, for a long-running process: every use compares the file's identity, size and
 * modification time with those of the copy in memory and loads it again when they differ, so a key added by
 * {@code dr keys create} (which replaces the file) is used without a restart. A keyring that no longer loads
 * (removed, made readable by others) fails the use that finds it, as it would at startup.
 */
final class KeyringWatch implements Supplier<LocalKeyring> {

    private record Version(Object fileKey, long size, FileTime modified) {
    }

    private final Path file;
    private Version version;
    private LocalKeyring keyring;

    KeyringWatch(Path file) {
        this.file = file;
    }

    @Override
    public synchronized LocalKeyring get() {
        Version now = version();
        if (!now.equals(version)) {
            keyring = LocalKeyring.load(file);
            version = now;
        }
        return keyring;
    }

    private Version version() {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new Version(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime());
        } catch (NoSuchFileException e) {
            throw new LocalKeyring.KeyringException("keyring " + file + " does not exist; create it with 'dr keys init'");
        } catch (IOException e) {
            throw new LocalKeyring.KeyringException("keyring " + file + " cannot be read: " + e.getMessage());
        }
    }
}
