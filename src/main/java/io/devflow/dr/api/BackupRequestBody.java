package io.devflow.dr.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The body of {@code POST /api/backups}: the backup to take. {@link BackupApi#request} checks the values; a value of
 * the wrong type is refused with its description.
 */
public record BackupRequestBody(
        @JsonPropertyDescription("a string, \"full\" or \"incremental\"") String type,
        @JsonPropertyDescription("a string such as \"mongodb\" (the default), \"redis\" or \"influxdb\"") String store,
        @JsonPropertyDescription("a string naming a configured region, such as \"us-east-1\" (default: the primary "
                + "region)") String region) {
}
