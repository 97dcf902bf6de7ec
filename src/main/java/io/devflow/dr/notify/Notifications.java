package io.devflow.dr.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.NotificationsConfig;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.support.Json;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * What the notify routes ask: the audit entry of every notice, which channels are configured, and the outcome of each
 * delivery, counted as {@code dr_notifications_total{channel, outcome}} and logged without the webhook's URL (it is
 * its own credential). A channel that fails never fails the notice: the team may still hear through the other.
 */
public final class Notifications {

    private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);

    /** The channels' routes, as the notify route sends to them. */
    static final String WEBHOOK = "webhook";
    static final String EMAIL = "email";

    private final NotificationsConfig config;
    private final AuditLog audit;
    private final MeterRegistry meters;

    public Notifications(NotificationsConfig config, AuditLog audit, MeterRegistry meters) {
        this.config = config;
        this.audit = audit;
        this.meters = meters;
    }

    /**
     * Writes the notice to the audit log. A control plane that cannot take the entry (a region's bucket down, this
     * instance deposed) must not keep the team from hearing: the failure is logged and counted, and delivery goes on.
     */
    public void record(Notice notice, String by) {
        ObjectNode details = Json.MAPPER.createObjectNode();
        details.put("event", notice.event());
        details.put("severity", notice.severity().name().toLowerCase());
        details.put("title", notice.title());
        details.put("text", notice.text());
        ObjectNode facts = details.putObject("facts");
        notice.facts().forEach(facts::put);
        details.put("at", notice.at().toString());
        details.putPOJO("channels", channelNames());
        try {
            audit.record("notice", by == null || by.isBlank() ? "devflow-dr" : by, notice.event(), details);
            count("audit", "sent");
        } catch (RuntimeException e) {
            count("audit", "failed");
            LOG.warn("notice {} ({}) not written to the audit log: {}", notice.event(), notice.title(), e.getMessage());
        }
    }

    /** The endpoints of the configured channels, comma-separated, for the notify route's recipient list; may be empty. */
    public String channels() {
        return String.join(",", channelNames().stream().map(c -> "direct:notify-" + c).toList());
    }

    private List<String> channelNames() {
        List<String> channels = new ArrayList<>();
        config.webhook().ifPresent(w -> channels.add(WEBHOOK));
        config.email().ifPresent(e -> channels.add(EMAIL));
        return channels;
    }

    /** The webhook's URL, handed to the HTTP client only: never for a message. */
    public String webhookUrl() {
        return config.webhook().orElseThrow(() -> new IllegalStateException("no webhook is configured")).url().reveal();
    }

    public void delivered(String channel, Notice notice) {
        count(channel, "sent");
        LOG.info("notice {} sent by {}", notice.event(), channel);
    }

    /** The webhook answered, but not with a 2xx. */
    public void refused(String channel, Notice notice, int status) {
        count(channel, "failed");
        LOG.warn("notice {} not delivered by {}: the server answered HTTP {}", notice.event(), channel, status);
    }

    /** The channel could not deliver at all (unreachable, timed out, refused the login). */
    public void failed(String channel, Notice notice, Throwable failure) {
        count(channel, "failed");
        LOG.warn("notice {} not delivered by {}: {}", notice == null ? "?" : notice.event(), channel, describe(failure));
    }

    /** A failure in words without the webhook's URL, which the HTTP client puts in its messages. */
    String describe(Throwable failure) {
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName()
                : failure.getClass().getSimpleName() + ": " + failure.getMessage();
        if (config.webhook().isPresent()) {
            String url = config.webhook().get().url().reveal();
            message = message.replace(url, config.webhook().get().url().display());
            String path = java.net.URI.create(url).getRawPath();
            if (path != null && path.length() > 1) {
                message = message.replace(path, "/****");
            }
        }
        return message;
    }

    private void count(String channel, String outcome) {
        meters.counter("dr_notifications_total", "channel", channel, "outcome", outcome).increment();
    }
}
