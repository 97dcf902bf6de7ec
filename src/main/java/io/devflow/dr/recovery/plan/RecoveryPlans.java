package io.devflow.dr.recovery.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.control.StateDocument;
import io.devflow.dr.control.StateStore;
import io.devflow.dr.support.Json;
import io.devflow.dr.support.NewestFirst;
import io.devflow.dr.support.StateConflictException;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Recovery plan records in the control state, {@code recovery/plans/<id>}. Every save is a read-change-write of the
 * signed store, refused when another process resumed the plan since this one started its run, so two processes never
 * both record one plan's steps.
 */
public final class RecoveryPlans {

    static final String FOLDER = "recovery/plans";
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final StateStore state;

    private static final Pattern ID = Pattern.compile("recovery-[0-9]{1,19}-[a-z0-9]{6}");

    public RecoveryPlans(StateStore state) {
        this.state = state;
    }

    /** Whether {@code value} has the shape of a plan id (it may still name no plan). */
    public static boolean isId(String value) {
        return value != null && ID.matcher(value).matches();
    }

    /** A new id in the seed's shape: {@code recovery-<epoch seconds>-<6 random characters>}. */
    static String newId(Instant at) {
        StringBuilder random = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            random.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return "recovery-" + at.getEpochSecond() + "-" + random;
    }

    RecoveryPlan save(RecoveryPlan plan) {
        state.update(FOLDER + "/" + plan.id(), current -> {
            current.map(StateDocument::content).map(RecoveryPlans::decode).ifPresent(stored -> {
                if (stored.runs().size() > plan.runs().size()) {
                    Instant at = stored.runs().get(stored.runs().size() - 1).startedAt();
                    throw new StateConflictException("recovery plan " + plan.id() + " was resumed by "
                            + stored.runs().get(stored.runs().size() - 1).by() + " at " + at + "; this run stops");
                }
            });
            return Json.MAPPER.valueToTree(plan);
        });
        return plan;
    }

    public Optional<RecoveryPlan> get(String id) {
        if (!id.matches("recovery-[0-9]{1,12}-[a-z0-9]{6}")) {
            return Optional.empty();
        }
        return state.read(FOLDER + "/" + id).map(StateDocument::content).map(RecoveryPlans::decode);
    }

    /** The newest records first, at most {@code limit}. */
    public List<RecoveryPlan> newest(int limit) {
        return NewestFirst.read(state.list(FOLDER), RecoveryPlans::epoch,
                path -> state.read(path).map(StateDocument::content).map(RecoveryPlans::decode), p -> true,
                RecoveryPlan::createdAt, limit);
    }

    private static long epoch(String path) {
        String[] parts = path.substring(path.lastIndexOf('/') + 1).split("-");
        try {
            return Long.parseLong(parts[1]);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    static RecoveryPlan decode(JsonNode content) {
        try {
            return Json.MAPPER.treeToValue(content, RecoveryPlan.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a recovery plan record in the control state is unreadable: "
                    + e.getOriginalMessage(), e);
        }
    }
}
