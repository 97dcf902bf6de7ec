package io.devflow.dr.cli;

import io.devflow.dr.drill.DrillResult;
import io.devflow.dr.drill.DrillType;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DrillPrinterTest {

    private static final Instant AT = Instant.parse("2026-03-01T04:00:00Z");
    private static final DrillResult BACKUP = new DrillResult("drill-20260301-040000-a1b2c3", DrillType.BACKUP,
            "drill-20260301-040000-a1b2c3", "manual", "oncall", "failed", AT, AT.plusSeconds(5), false,
            Map.of("mongodb", new DrillResult.StoreResult(false, 1.5, "fingerprints <differ> & more")),
            List.of(), List.of("dropped dr_drill_a1b2c3_devflow"), "mongodb: fingerprints <differ> & more");
    private static final DrillResult FAILOVER = new DrillResult("drill-20260301-040000-d4e5f6", DrillType.FAILOVER,
            "drill-20260301-040000-a1b2c3", "manual", "oncall", "passed", AT, AT.plusSeconds(2), true, Map.of(),
            List.of(new DrillResult.StepResult("validate-target", true, 0.2, "would run")), List.of(), null);

    @Test
    void shouldPrintTheSeedsTestResultsBlock() {
        StringWriter text = new StringWriter();
        DrillPrinter.results(new PrintWriter(text), List.of(BACKUP, FAILOVER));

        assertThat(text.toString()).contains("📊 Test Results:", "Overall Success: ❌", "Tests Run: 2",
                "❌ Backup and Restore Test (drill-20260301-040000-a1b2c3):", "Duration: 5.0s",
                "❌ mongodb      1.5s  fingerprints <differ> & more", "Cleaned up: dropped dr_drill_a1b2c3_devflow",
                "✅ Failover Simulation Test", "✅ validate-target");
    }

    @Test
    void shouldWriteJunitXmlWithAFailurePerFailedStoreOrStep() throws Exception {
        StringWriter xml = new StringWriter();
        DrillPrinter.junit(new PrintWriter(xml), List.of(BACKUP, FAILOVER));

        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.toString().getBytes(StandardCharsets.UTF_8)));
        assertThat(document.getDocumentElement().getAttribute("tests")).isEqualTo("2");
        assertThat(document.getDocumentElement().getAttribute("failures")).isEqualTo("1");
        assertThat(document.getElementsByTagName("testcase").getLength()).isEqualTo(2);
        assertThat(document.getElementsByTagName("failure").item(0).getAttributes().getNamedItem("message").getNodeValue())
                .isEqualTo("fingerprints <differ> & more");
    }
}
