package io.devflow.dr.cli;

import io.devflow.dr.backup.BackupId;
import io.devflow.dr.backup.BackupType;
import io.devflow.dr.config.VerifyLevel;
import io.devflow.dr.store.StoreKind;
import picocli.CommandLine;

/** Converters that turn command-line words into domain values, with messages that list the valid ones. */
final class Arguments {

    private Arguments() {
    }

    static final class BackupTypeConverter implements CommandLine.ITypeConverter<BackupType> {
        @Override
        public BackupType convert(String value) {
            return BackupType.parse(value).orElseThrow(() ->
                    new CommandLine.TypeConversionException("'" + value + "' is not a backup type; use full"));
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

    static final class VerifyLevelConverter implements CommandLine.ITypeConverter<VerifyLevel> {
        @Override
        public VerifyLevel convert(String value) {
            return VerifyLevel.parse(value).orElseThrow(() ->
                    new CommandLine.TypeConversionException("'" + value + "' is not a level; use quick, full or restore"));
        }
    }
}
