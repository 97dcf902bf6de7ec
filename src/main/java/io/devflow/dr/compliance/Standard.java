package io.devflow.dr.compliance;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The standards whose DR controls the report maps to checks. */
public enum Standard {
    SOC2("soc2", "SOC 2 (Trust Services Criteria, Availability)"),
    ISO27001("iso27001", "ISO/IEC 27001:2022 Annex A"),
    HIPAA("hipaa", "HIPAA Security Rule, contingency plan"),
    PCI_DSS("pci-dss", "PCI DSS v4.0 incident response"),
    GDPR("gdpr", "GDPR Article 32 security of processing");

    private final String id;
    private final String title;

    Standard(String id, String title) {
        this.id = id;
        this.title = title;
    }

    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    /** The standards a {@code --standard} value names: one id, or {@code all}. */
    public static List<Standard> parse(String value) {
        String wanted = value.strip().toLowerCase(Locale.ROOT);
        if (wanted.equals("all")) {
            return List.of(values());
        }
        return Arrays.stream(values()).filter(s -> s.id.equals(wanted)).findFirst().map(List::of)
                .orElseThrow(() -> new IllegalArgumentException("unknown standard '" + value + "'; use one of "
                        + String.join(", ", Arrays.stream(values()).map(Standard::id).toList()) + " or all"));
    }
}
