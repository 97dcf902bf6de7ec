package io.devflow.dr.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.Mac;
import io.devflow.dr.crypto.DataKey;
import io.devflow.dr.crypto.EvidenceSigner;
import io.devflow.dr.crypto.KeyContext;
import io.devflow.dr.crypto.KeyProvider;
import io.devflow.dr.crypto.KeyUnavailableException;
import io.devflow.dr.crypto.WrappedKey;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.Json;
import io.devflow.dr.support.RemoteOperationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The deployment's control key, which authenticates every control-plane document. It is a data key like a
 * backup's: made once by the key provider (AWS KMS or the local keyring), stored only wrapped, as
 * {@code <prefix>/control-key.json} in every region's bucket, and unwrapped once per process, on first use.
 * The first process that needs it and finds none creates it; a process that loses that race
 * ({@code If-None-Match: *} refused) takes the one that won.
 */
public final class ControlKeys implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlKeys.class);
    private static final String OBJECT = "control-key.json";

    private final RegionDirectory regions;
    private final KeyProvider keys;
    /** What the wrapped key is bound to: this use, this deployment, every region. */
    private final KeyContext context;
    private final Clock clock;
    private DataKey key;
    private Mac mac;
    private Mac catalogMac;

    public ControlKeys(RegionDirectory regions, KeyProvider keys, String deploymentId, Clock clock) {
        this.regions = regions;
        this.keys = keys;
        this.context = KeyContext.control(deploymentId);
        this.clock = clock;
    }

    /** The MAC of control documents, unwrapping (or creating) the control key on first use. */
    public synchronized Mac mac() {
        if (mac == null) {
            DataKey loaded = loadOrCreate();
            try {
                mac = loaded.controlMac();
            } catch (GeneralSecurityException e) {
                loaded.close();
                throw new KeyUnavailableException("the control key cannot be used: " + e.getMessage(), e);
            }
            key = loaded;
        }
        return mac;
    }

    /** The MAC that seals the catalog's month indexes, derived from the control key (decision 57). */
    public synchronized Mac catalogMac() {
        mac();
        if (catalogMac == null) {
            try {
                catalogMac = key.catalogMac();
            } catch (GeneralSecurityException e) {
                throw new KeyUnavailableException("the catalog index key cannot be derived: " + e.getMessage(), e);
            }
        }
        return catalogMac;
    }

    /** The key that signs exported compliance evidence, derived from the control key (decision 54). */
    public synchronized EvidenceSigner evidenceSigner() {
        mac();
        try {
            return key.evidenceSigner();
        } catch (GeneralSecurityException e) {
            throw new KeyUnavailableException("the evidence signing key cannot be derived: " + e.getMessage(), e);
        }
    }

    private DataKey loadOrCreate() {
        List<WrappedKey> stored = new ArrayList<>();
        List<RegionContext> without = new ArrayList<>();
        List<String> unreachable = new ArrayList<>();
        for (RegionContext region : regions.all()) {
            try {
                Optional<byte[]> bytes = region.objectStore().getBytes(key(region));
                if (bytes.isPresent()) {
                    stored.add(decode(region, bytes.get()));
                } else {
                    without.add(region);
                }
            } catch (RemoteOperationException e) {
                unreachable.add(region.id() + ": " + Failures.describe(e));
            }
        }
        if (stored.isEmpty() && without.isEmpty()) {
            throw new RemoteOperationException("the control key cannot be read: no region's bucket answers ("
                    + String.join("; ", unreachable) + ")", null, true);
        }
        DataKey opened = stored.isEmpty() ? create(without) : keys.open(stored.get(0), context);
        if (!stored.isEmpty()) {
            byte[] copy = encode(stored.get(0));
            for (RegionContext region : without) {
                putQuietly(region, copy);
            }
        }
        return opened;
    }

    /** Makes the control key and stores it where there is none; a key another process stored first wins. */
    private DataKey create(List<RegionContext> regionsWithout) {
        DataKey created = keys.newDataKey(context);
        byte[] encoded = encode(created.wrapped());
        for (RegionContext region : regionsWithout) {
            if (!region.objectStore().putIfUnchanged(key(region), encoded, "application/json", null)) {
                created.close();
                byte[] theirs = region.objectStore().getBytes(key(region)).orElseThrow(() ->
                        new IllegalStateException("the control key in " + region.id() + " vanished while being created"));
                return keys.open(decode(region, theirs), context);
            }
        }
        LOG.info("created the control key under {} ({} key {}) in {}", OBJECT, created.wrapped().provider(),
                created.wrapped().keyId(), regionsWithout.stream().map(r -> r.id().value()).toList());
        return created;
    }

    private void putQuietly(RegionContext region, byte[] encoded) {
        try {
            region.objectStore().putIfUnchanged(key(region), encoded, "application/json", null);
        } catch (RuntimeException e) {
            LOG.debug("control key not copied to {}: {}", region.id(), Failures.describe(e));
        }
    }

    private byte[] encode(WrappedKey wrapped) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("format", 1);
        node.put("provider", wrapped.provider());
        node.put("keyId", wrapped.keyId());
        node.put("ciphertext", wrapped.ciphertext());
        node.put("createdAt", clock.instant().toString());
        return Json.bytes(node);
    }

    private static WrappedKey decode(RegionContext region, byte[] bytes) {
        try {
            JsonNode node = Json.MAPPER.readTree(bytes);
            return new WrappedKey(node.path("provider").asText(), node.path("keyId").asText(),
                    node.path("ciphertext").asText());
        } catch (IOException e) {
            throw new KeyUnavailableException("the control key in " + region.objectStore().location() + "/" + OBJECT
                    + " is not readable JSON", e);
        }
    }

    static String key(RegionContext region) {
        String prefix = region.config().storage().prefix();
        return (prefix.isEmpty() ? "" : prefix + "/") + OBJECT;
    }

    @Override
    public synchronized void close() {
        if (key != null) {
            key.close();
            key = null;
            mac = null;
            catalogMac = null;
        }
    }
}
