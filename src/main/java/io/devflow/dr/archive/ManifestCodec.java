package io.devflow.dr.archive;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.devflow.dr.crypto.DataKey;
import io.devflow.dr.support.InstantReader;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Base64;

/** Reads, writes, seals and checks manifests. */
public final class ManifestCodec {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .addModule(InstantReader.module())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private ManifestCodec() {
    }

    public static byte[] write(Manifest manifest) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize manifest " + manifest.id(), e);
        }
    }

    /** The manifest as a JSON tree, as {@link #write} writes it, for documents that hold manifests. */
    public static JsonNode tree(Manifest manifest) {
        return JSON.valueToTree(manifest);
    }

    /**
     * @throws ArchiveIntegrityException when the bytes are not a manifest of this format
     */
    public static Manifest read(byte[] json, String what) {
        try {
            return checked(JSON.readValue(json, Manifest.class), what);
        } catch (IOException e) {
            throw new ArchiveIntegrityException(what + ": the manifest is damaged (not a readable manifest)");
        }
    }

    /**
     * A manifest held in another document, as {@link #tree} gave it, read where the parser stands (on the start of
     * the manifest's object) without building a tree of the whole document first.
     *
     * @throws ArchiveIntegrityException when the value there is not a manifest of this format
     */
    public static Manifest read(JsonParser parser, String what) {
        try {
            return checked(JSON.readValue(parser, Manifest.class), what);
        } catch (IOException | IllegalArgumentException e) {
            throw new ArchiveIntegrityException(what + ": the manifest is damaged (not a readable manifest)");
        }
    }

    private static Manifest checked(Manifest manifest, String what) {
        if (manifest.formatVersion() != ArchiveFormat.MANIFEST_VERSION
                && manifest.formatVersion() != ArchiveFormat.LEGACY_MANIFEST_VERSION) {
            throw new ArchiveIntegrityException(what + ": manifest format version " + manifest.formatVersion()
                    + " is not supported by this version of dr (it reads versions "
                    + ArchiveFormat.LEGACY_MANIFEST_VERSION + " and " + ArchiveFormat.MANIFEST_VERSION + ")");
        }
        if (manifest.id() == null || manifest.type() == null || manifest.store() == null || manifest.region() == null
                || manifest.startedAt() == null || manifest.completedAt() == null || manifest.object() == null
                || manifest.encryption() == null || manifest.sections() == null || manifest.seal() == null) {
            throw new ArchiveIntegrityException(what + ": the manifest is damaged (fields are missing)");
        }
        Manifest.Encryption encryption = manifest.encryption();
        if (!manifest.isLegacy() && (encryption.deploymentId() == null
                || ("local".equals(encryption.provider()) && encryption.keyCheck() == null))) {
            throw new ArchiveIntegrityException(what + ": the manifest is damaged (its key binding is missing)");
        }
        return manifest;
    }

    public static Manifest seal(Manifest unsealed, DataKey key) {
        try {
            byte[] tag = key.seal(canonical(unsealed));
            return unsealed.withSeal(Base64.getEncoder().encodeToString(tag));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal manifest " + unsealed.id(), e);
        }
    }

    /**
     * @throws ArchiveIntegrityException when the manifest was altered after sealing or taken from another backup
     */
    public static void checkSeal(Manifest manifest, DataKey key, String what) {
        if (manifest.seal() == null) {
            throw new ArchiveIntegrityException(what + ": the manifest has no seal");
        }
        byte[] tag;
        try {
            tag = Base64.getDecoder().decode(manifest.seal());
        } catch (IllegalArgumentException e) {
            throw new ArchiveIntegrityException(what + ": the manifest's seal is damaged");
        }
        if (!key.verifySeal(tag, canonical(manifest))) {
            throw new ArchiveIntegrityException(what + ": the manifest was altered after it was written "
                    + "(its seal does not match)");
        }
    }

    private static byte[] canonical(Manifest manifest) {
        try {
            return JSON.writeValueAsBytes(manifest.withSeal(null));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
