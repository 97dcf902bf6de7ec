package io.devflow.dr.cli;

import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.config.VerifyLevel;
import io.devflow.dr.recovery.plan.RecoveryPlans;
import picocli.CommandLine;

/** Converters that turn command-line words into domain values, with messages that list the valid ones. */
final class Arguments {

    private Arguments() {
    }

    static final class BackupTypeConverter implements CommandLine.ITypeConverter<BackupType> {
        @Override
        public BackupType convert(String value) {
            return BackupType.parse(value).orElseThrow(() ->
                    new CommandLine.TypeConversionException("'" + value + "' is not a backup type; use full or incremental"));
        }
    }

    static final class StoreConverter implements CommandLine.ITypeConverter<StoreKind> {
        @Override
        public StoreKind convert(String value) {
            return StoreKind.parse(value).orElseThrow(() ->
                    new CommandLine.TypeConversionException("'" + value + "' is not a store; use one of " + StoreKind.names()));
        }
    }

    static final class BackupIdConverter implements CommandLine.ITypeConverter<BackupId> {
        @Override
        public BackupId convert(String value) {
            return BackupId.parse(value).orElseThrow(() -> new CommandLine.TypeConversionException(
                    "'" + value + "' is not a backup id (for example " + BackupId.EXAMPLE + "; 'dr backups list' shows them)"));
        }
    }

    /** A recovery plan's id, checked for its shape before anything is read. */
    static final class PlanIdConverter implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (!RecoveryPlans.isId(value)) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a recovery plan id (for example "
                        + "recovery-1796000000-abc123; 'dr recover list' shows them)");
            }
            return value;
        }
    }

    /** An instant with its zone: 2026-01-27T10:00:00Z or 2026-01-27T11:00:00+01:00. */
    static final class InstantConverter implements CommandLine.ITypeConverter<java.time.Instant> {
        @Override
        public java.time.Instant convert(String value) {
            try {
                return java.time.OffsetDateTime.parse(value).toInstant();
            } catch (java.time.format.DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a point in time; give it with "
                        + "its zone, for example 2026-01-27T10:00:00Z");
            }
        }
    }

    static final class VerifyLevelConverter implements CommandLine.ITypeConverter<VerifyLevel> {
        @Override
        public VerifyLevel convert(String value) {
            return VerifyLevel.parse(value).orElseThrow(() ->
                    new CommandLine.TypeConversionException("'" + value + "' is not a level; use quick, full or restore"));
        }
    }
}
