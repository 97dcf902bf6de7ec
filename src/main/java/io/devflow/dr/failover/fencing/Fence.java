package io.devflow.dr.failover.fencing;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.config.StoreKind;

import java.time.Instant;

/**
 * Writes stopped (or not) at one store of the source region while a failover switches, kept in the failover record.
 *
 * @param fenced whether writes are actually stopped
 * @param method how: {@code CLIENT PAUSE WRITE}, a hook, or {@code none}
 * @param residualRisk what could still be written while clients move, in words; null when fenced
 * @param until when the fence lapses by itself unless renewed; null for none
 * @param details what undoing it needs
 */
public record Fence(StoreKind store, String region, boolean fenced, String method, String residualRisk,
                    Instant until, JsonNode details) {
}
