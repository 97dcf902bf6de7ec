package io.devflow.dr.verification;

import io.devflow.dr.archive.ArchiveIntegrityException;
import io.devflow.dr.archive.Progress;
import io.devflow.dr.catalog.BackupCatalog;
import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.catalog.BackupKeys;
import io.devflow.dr.catalog.CatalogIndex;
import io.devflow.dr.catalog.ObjectLayout;
import io.devflow.dr.catalog.VerificationRecord;
import io.devflow.dr.config.VerifyLevel;
import io.devflow.dr.crypto.KeyUnavailableException;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.support.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;

/**
 * {@code dr verify}: verifies a committed backup and records the result next to it, sealed under a key derived
 * from the backup's data key so that a listing can tell it from an edited or planted one.
 */
public final class VerifyService {

    private static final Logger LOG = LoggerFactory.getLogger(VerifyService.class);

    private final BackupCatalog catalog;
    private final BackupVerifier verifier;
    private final BackupKeys keys;
    private final Clock clock;

    public VerifyService(BackupCatalog catalog, BackupVerifier verifier, BackupKeys keys, Clock clock) {
        this.catalog = catalog;
        this.verifier = verifier;
        this.keys = keys;
        this.clock = clock;
    }

    /**
     * @throws ArchiveIntegrityException or {@link KeyUnavailableException} when the backup fails verification;
     *                                   the failure is recorded first
     */
    public VerificationRecord verify(BackupId id, VerifyLevel level, Progress progress) {
        BackupCatalog.Located located = catalog.find(id);
        located.requireTrusted();
        if (!located.record().isCompleted()) {
            throw new InvalidRequestException("backup " + id + " is " + located.record().status()
                    + (located.record().error() != null ? " (" + located.record().error() + ")" : "")
                    + "; only completed backups can be verified");
        }
        String key = ObjectLayout.of(located.region()).verification(located.store(), id);
        try {
            VerificationRecord passed = keys.seal(located.manifest(),
                    verifier.verify(located.region(), located.manifest(), level, progress));
            located.region().objectStore().put(key, Json.bytes(passed), "application/json");
            CatalogIndex.forget(located.region(), located.store(), id);
            return passed;
        } catch (KeyUnavailableException e) {
            // a verdict on the keyring used, not on the backup: nothing is recorded against it
            throw e;
        } catch (ArchiveIntegrityException e) {
            try {
                VerificationRecord failed = keys.seal(located.manifest(), new VerificationRecord(id.value(),
                        level.configName(), false, clock.instant(), 0, List.of(), e.getMessage()));
                located.region().objectStore().put(key, Json.bytes(failed), "application/json");
                CatalogIndex.forget(located.region(), located.store(), id);
            } catch (RuntimeException recordFailure) {
                LOG.warn("could not record the failed verification of {}: {}", id, Failures.describe(recordFailure));
            }
            throw e;
        }
    }
}
