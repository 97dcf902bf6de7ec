package io.devflow.dr.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.support.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The notice as each channel shows it: the same title, text and facts, in order. */
class NoticeFormatsTest {

    static final Instant AT = Instant.parse("2026-01-27T10:15:30Z");
    final NoticeFormats formats = new NoticeFormats();

    static Notice notice(Notice.Severity severity) {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("From", "us-east-1");
        facts.put("To", "us-west-2");
        facts.put("Reason", "drill");
        facts.put("Loss bound", "0 writes (all stores caught up)");
        return new Notice("failover.completed", severity, "Failover to us-west-2 completed",
                "us-west-2 is the active region (term 4) after 7.2 s.", facts, AT);
    }

    @Test
    void shouldPutTheFactsAsFieldsOfAnAttachmentColouredBySeverity() throws Exception {
        JsonNode body = Json.MAPPER.readTree(formats.slackBody(notice(Notice.Severity.CRITICAL)));

        assertThat(body.get("text").asText()).isEqualTo("[CRITICAL] Failover to us-west-2 completed");
        JsonNode attachment = body.get("attachments").get(0);
        assertThat(attachment.get("color").asText()).isEqualTo("#a30200");
        assertThat(attachment.get("title").asText()).isEqualTo("Failover to us-west-2 completed");
        assertThat(attachment.get("text").asText()).isEqualTo("us-west-2 is the active region (term 4) after 7.2 s.");
        assertThat(attachment.get("fields")).extracting(f -> f.get("title").asText() + "=" + f.get("value").asText())
                .containsExactly("From=us-east-1", "To=us-west-2", "Reason=drill",
                        "Loss bound=0 writes (all stores caught up)");
        assertThat(attachment.get("ts").asLong()).isEqualTo(AT.getEpochSecond());
        assertThat(attachment.get("footer").asText()).contains("failover.completed");
    }

    @Test
    void shouldColourEachSeverityDifferently() throws Exception {
        assertThat(Json.MAPPER.readTree(formats.slackBody(notice(Notice.Severity.INFO)))
                .at("/attachments/0/color").asText()).isEqualTo("#2eb886");
        assertThat(Json.MAPPER.readTree(formats.slackBody(notice(Notice.Severity.WARNING)))
                .at("/attachments/0/color").asText()).isEqualTo("#daa038");
    }

    @Test
    void shouldPrefixTheSubjectAndKeepItOnOneLine() {
        Notice twoLines = new Notice("failover.refused", Notice.Severity.WARNING, "Automatic failover refused\nloss bound",
                "", Map.of(), AT);

        assertThat(formats.mailSubject(notice(Notice.Severity.INFO))).isEqualTo("[devflow-dr] Failover to us-west-2 completed");
        assertThat(formats.mailSubject(twoLines)).isEqualTo("[devflow-dr] Automatic failover refused loss bound");
    }

    @Test
    void shouldWriteTheTextAndTheAlignedFactsInTheMailBody() {
        assertThat(formats.mailBody(notice(Notice.Severity.CRITICAL))).isEqualTo("""
                us-west-2 is the active region (term 4) after 7.2 s.

                From:       us-east-1
                To:         us-west-2
                Reason:     drill
                Loss bound: 0 writes (all stores caught up)

                Event:    failover.completed
                Severity: critical
                At:       2026-01-27T10:15:30Z

                --\s
                devflow-dr
                """);
    }
}
