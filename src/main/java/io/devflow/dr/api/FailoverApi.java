package io.devflow.dr.api;

import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.failover.FailoverPlan;
import io.devflow.dr.failover.FailoverRecord;
import io.devflow.dr.failover.FailoverRequest;
import io.devflow.dr.failover.FailoverService;
import io.devflow.dr.support.NotFoundException;

import java.util.Set;

/**
 * The failover resource of the HTTP API: a dry run answers the plan (200); a failover that starts answers its record
 * (202, with its address); one refused answers its record with the refusals: 409 when the state is in the way (not
 * the leader, a failover running, the target active already), 422 when the target is not fit (health, backups, lag).
 */
public final class FailoverApi {

    private static final Set<String> STATE_REFUSALS = Set.of("not-leader", "failover-running", "already-active");
    private static final int DEFAULT_LIMIT = 20;
    private static final int MAX_LIMIT = 500;

    private final DrConfig config;
    private final FailoverService failovers;

    public FailoverApi(DrConfig config, FailoverService failovers) {
        this.config = config;
        this.failovers = failovers;
    }

    /** The request a body asks for, on behalf of the caller's token. */
    public FailoverRequest request(FailoverRequestBody body, ApiSecurity.Caller caller) {
        if (body == null) {
            throw RequestBodies.missing(FailoverRequestBody.class);
        }
        if (body.target() == null || !RegionId.isValid(body.target()) || config.region(RegionId.of(body.target())).isEmpty()) {
            throw new ApiException(400, "\"target\" must name a configured region: " + String.join(", ",
                    config.sortedRegions().keySet().stream().map(RegionId::value).toList()));
        }
        if (body.reason() == null || body.reason().isBlank()) {
            throw new ApiException(400, "\"reason\" is required: say why, in a few words (it goes into the record and "
                    + "the audit log)");
        }
        return new FailoverRequest(RegionId.of(body.target()), body.reason().strip(), Boolean.TRUE.equals(body.force()),
                FailoverRequest.Trigger.MANUAL, caller.name());
    }

    /** A dry run's plan, or the failover started (or refused). */
    public Object create(FailoverRequestBody body, FailoverRequest request) {
        return Boolean.TRUE.equals(body.dryRun()) ? failovers.plan(request) : failovers.start(request);
    }

    /** The status of {@link #create}'s answer. */
    public int status(Object answer) {
        if (answer instanceof FailoverRecord record) {
            if (record.state() != FailoverRecord.State.REFUSED) {
                return 202;
            }
            boolean stateInTheWay = record.plan().refusals().stream().map(FailoverPlan.Refusal::code)
                    .anyMatch(STATE_REFUSALS::contains);
            return stateInTheWay ? 409 : 422;
        }
        return 200;
    }

    /** Where a started failover is followed; null for any other answer. */
    public String location(Object answer) {
        return answer instanceof FailoverRecord record && record.state() != FailoverRecord.State.REFUSED
                ? "/api/failovers/" + record.id() : null;
    }

    public FailoverList list(String limit) {
        int n = DEFAULT_LIMIT;
        if (limit != null) {
            try {
                n = Integer.parseInt(limit.strip());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > MAX_LIMIT) {
                throw new ApiException(400, "limit must be a number from 1 to " + MAX_LIMIT + ", not '" + limit + "'");
            }
        }
        return new FailoverList(failovers.list(n));
    }

    public FailoverRecord get(String id) {
        return failovers.get(id).orElseThrow(() -> new NotFoundException("no failover " + id
                + "; dr failovers list shows the recorded ones"));
    }
}
