package io.devflow.dr.compliance;

import java.time.Instant;

/**
 * One record a check relied on: a backup, a drill, a failover, an audit entry, a setting.
 *
 * @param kind   backup, drill, failover, audit, config
 * @param id     the record's id (backup id, drill id, audit sequence number, setting path)
 * @param at     when it happened, null for a setting
 * @param result what it came to (completed, passed, failed, the setting's value)
 */
public record Evidence(String kind, String id, Instant at, String result, String detail) {
}
