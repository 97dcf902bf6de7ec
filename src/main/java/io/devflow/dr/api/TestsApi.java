package io.devflow.dr.api;

import io.devflow.dr.drill.DrillRecords;
import io.devflow.dr.drill.DrillRequest;
import io.devflow.dr.drill.DrillResult;
import io.devflow.dr.drill.DrillSuite;
import io.devflow.dr.drill.DrillType;
import io.devflow.dr.support.NotFoundException;

import java.util.List;
import java.util.Optional;

/**
 * The DR test resource of the HTTP API: a POST begins a suite (its results recorded as running) and answers with
 * their ids while the drills run in the background; the GETs read the recorded results, as {@code dr test history}.
 */
public final class TestsApi {

    private static final int DEFAULT_LIMIT = 20;
    private static final int MAX_LIMIT = 500;

    private final DrillSuite suite;
    private final DrillRecords records;

    public TestsApi(DrillSuite suite, DrillRecords records) {
        this.suite = suite;
        this.records = records;
    }

    /** The suite begun on behalf of the caller's token; a type no drill exists for is a 400, a suite running a 409. */
    public DrillSuite.Suite begin(TestRequestBody body, ApiSecurity.Caller caller) {
        String type = body == null || body.type() == null ? "all" : body.type();
        List<DrillType> types = "all".equals(type) ? suite.available() : List.of(parse(type));
        return suite.begin(new DrillRequest(types, DrillRequest.Trigger.MANUAL, caller.name()));
    }

    public TestsAccepted accepted(DrillSuite.Suite begun) {
        return new TestsAccepted(begun.id(), "running", begun.drills().entrySet().stream()
                .map(e -> new TestsAccepted.Drill(e.getValue(), e.getKey().id(), "/api/tests/" + e.getValue())).toList());
    }

    public TestList list(String type, String limit) {
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
        return new TestList(records.newest(n, Optional.ofNullable(type).map(TestsApi::parse)));
    }

    public DrillResult get(String id) {
        if (!DrillRecords.isId(id)) {
            throw new ApiException(400, "'" + id + "' is not a drill id (drill-<yyyyMMdd-HHmmss>-<6 hex>)");
        }
        return records.get(id).orElseThrow(() -> new NotFoundException("no drill " + id
                + "; GET /api/tests lists the recorded ones"));
    }

    private static DrillType parse(String type) {
        return DrillType.find(type).orElseThrow(() -> new ApiException(400, "type must be backup, replication, failover, "
                + "recovery-time or all, not '" + type + "'"));
    }
}
