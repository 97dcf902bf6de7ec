package io.devflow.dr.compliance;

import java.util.List;

import static io.devflow.dr.compliance.Check.AUDIT;
import static io.devflow.dr.compliance.Check.ENCRYPTION;
import static io.devflow.dr.compliance.Check.FAILOVER_TESTED;
import static io.devflow.dr.compliance.Check.OFFSITE_COPY;
import static io.devflow.dr.compliance.Check.RESTORE_DRILLS;
import static io.devflow.dr.compliance.Check.RETENTION;
import static io.devflow.dr.compliance.Check.RTO_RPO;

/**
 * Which checks evidence which control (decision 53). The mapping is ours, written down so an auditor can dispute
 * it: a control passes only when every check it maps to passes on the period's data.
 */
public final class Controls {

    public static final List<Control> ALL = List.of(
            new Control(Standard.SOC2, "A1.2", "Environmental protections, data backup processes and recovery "
                    + "infrastructure", List.of(ENCRYPTION, RETENTION, OFFSITE_COPY, AUDIT)),
            new Control(Standard.SOC2, "A1.3", "Recovery plan procedures are tested",
                    List.of(RESTORE_DRILLS, FAILOVER_TESTED, RTO_RPO)),
            new Control(Standard.ISO27001, "A.5.30", "ICT readiness for business continuity",
                    List.of(RESTORE_DRILLS, FAILOVER_TESTED, RTO_RPO)),
            new Control(Standard.ISO27001, "A.8.13", "Information backup",
                    List.of(ENCRYPTION, RETENTION, OFFSITE_COPY, RESTORE_DRILLS)),
            new Control(Standard.ISO27001, "A.8.14", "Redundancy of information processing facilities",
                    List.of(OFFSITE_COPY, FAILOVER_TESTED)),
            new Control(Standard.HIPAA, "164.308(a)(7)(ii)(A)", "Data backup plan",
                    List.of(ENCRYPTION, RETENTION, OFFSITE_COPY)),
            new Control(Standard.HIPAA, "164.308(a)(7)(ii)(B)", "Disaster recovery plan",
                    List.of(OFFSITE_COPY, RESTORE_DRILLS, RTO_RPO)),
            new Control(Standard.HIPAA, "164.308(a)(7)(ii)(C)", "Emergency mode operation plan",
                    List.of(FAILOVER_TESTED)),
            new Control(Standard.HIPAA, "164.308(a)(7)(ii)(D)", "Testing and revision procedures",
                    List.of(RESTORE_DRILLS, FAILOVER_TESTED, AUDIT)),
            new Control(Standard.HIPAA, "164.308(a)(7)(ii)(E)", "Applications and data criticality analysis",
                    List.of(RTO_RPO)),
            new Control(Standard.PCI_DSS, "12.10.1", "Incident response plan covers business recovery, continuity "
                    + "and data backup processes", List.of(ENCRYPTION, RETENTION, OFFSITE_COPY, AUDIT)),
            new Control(Standard.PCI_DSS, "12.10.2", "Incident response plan reviewed and tested at least once "
                    + "every 12 months", List.of(RESTORE_DRILLS, FAILOVER_TESTED)),
            new Control(Standard.GDPR, "Art. 32(1)(b)", "Ongoing confidentiality, integrity, availability and "
                    + "resilience", List.of(ENCRYPTION, OFFSITE_COPY, AUDIT)),
            new Control(Standard.GDPR, "Art. 32(1)(c)", "Ability to restore availability and access in a timely "
                    + "manner", List.of(RESTORE_DRILLS, RTO_RPO)),
            new Control(Standard.GDPR, "Art. 32(1)(d)", "Regularly testing, assessing and evaluating effectiveness",
                    List.of(RESTORE_DRILLS, FAILOVER_TESTED, AUDIT)));

    private Controls() {
    }

    public static List<Control> of(List<Standard> standards) {
        return ALL.stream().filter(c -> standards.contains(c.standard())).toList();
    }
}
