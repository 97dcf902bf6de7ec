package io.devflow.dr.routes;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.app.NotifyMail;
import io.devflow.dr.config.NotificationsConfig;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.notify.Notice;
import io.devflow.dr.notify.NoticeFormats;
import io.devflow.dr.notify.Notifications;
import io.devflow.dr.testing.MemoryStateStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.DefaultRegistry;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Every notify route loads without any notifier configured, and direct:notify then only writes the audit entry. */
class NotifyWithoutNotifiersTest extends CamelMainTestSupport {

    final MemoryStateStore state = new MemoryStateStore();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.withRoutesIncludePattern("classpath:routes/_shared/notify-*.camel.yaml,classpath:routes/notify/*.camel.yaml");
    }

    @Override
    protected Registry createCamelRegistry() {
        Registry registry = new DefaultRegistry();
        registry.bind("notifications", new Notifications(NotificationsConfig.NONE, new AuditLog(state, Clock.systemUTC()),
                meters));
        registry.bind("noticeFormats", new NoticeFormats());
        registry.bind("notifyMailLogin", NotifyMail.login(Optional.empty()));
        registry.bind("notifyMailProperties", NotifyMail.properties(Optional.empty(), Duration.ofSeconds(10)));
        return registry;
    }

    @Test
    void shouldOnlyAuditTheNotice() {
        Notice notice = new Notice("failover.rolled-back", Notice.Severity.WARNING, "Failover to us-west-2 rolled back",
                "Step 4 failed; every step was compensated.", Map.of("Failed step", "update-routing"), Instant.now());

        template.sendBodyAndProperty("direct:notify", notice, "caller", "ops-token");

        List<String> audit = state.paths().stream().filter(p -> p.startsWith("audit/chain/")).toList();
        assertThat(audit).hasSize(1);
        JsonNode entry = state.read(audit.get(0)).orElseThrow().content();
        assertThat(entry.get("by").asText()).isEqualTo("ops-token");
        assertThat(entry.get("subject").asText()).isEqualTo("failover.rolled-back");
        assertThat(entry.at("/details/channels").size()).isZero();
        assertThat(meters.find("dr_notifications_total").counters()).extracting(c -> c.getId().getTag("channel"))
                .containsExactly("audit");
    }
}
