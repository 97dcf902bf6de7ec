package io.devflow.dr.compliance;

/** The checks on measured data that the controls of every standard map to. */
public enum Check {
    ENCRYPTION("encryption", "Encryption at rest and key management"),
    RETENTION("retention", "Retention as configured, covering the period"),
    OFFSITE_COPY("offsite-copy", "A copy of every store in another region"),
    RESTORE_DRILLS("restore-drills", "Restore drills within their interval, passed"),
    RTO_RPO("rto-rpo", "Recovery time and recovery point objectives met"),
    FAILOVER_TESTED("failover-tested", "Failover tested within its interval"),
    AUDIT("audit", "Audit coverage of DR actions, chain intact");

    private final String id;
    private final String title;

    Check(String id, String title) {
        this.id = id;
        this.title = title;
    }

    public String id() {
        return id;
    }

    public String title() {
        return title;
    }
}
