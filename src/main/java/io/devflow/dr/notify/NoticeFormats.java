package io.devflow.dr.notify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.support.Json;

import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * How a notice reads in each channel: a Slack-compatible webhook body, and a plain-text mail. The same facts, in the
 * same order, everywhere.
 */
public final class NoticeFormats {

    static final String SUBJECT_PREFIX = "[devflow-dr] ";

    /**
     * {@code text} (what a client without attachments, or a notification banner, shows) plus one attachment: its
     * colour says the severity, its fields are the facts. Slack's incoming webhooks read it, and so do the many tools
     * that accept Slack's format (Mattermost, Rocket.Chat, Discord's {@code /slack} endpoint).
     */
    public String slackBody(Notice notice) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("text", headline(notice));
        ObjectNode attachment = body.putArray("attachments").addObject();
        attachment.put("fallback", headline(notice));
        attachment.put("color", colour(notice.severity()));
        attachment.put("title", notice.title());
        attachment.put("text", notice.text());
        ArrayNode fields = attachment.putArray("fields");
        for (Map.Entry<String, String> fact : notice.facts().entrySet()) {
            ObjectNode field = fields.addObject();
            field.put("title", fact.getKey());
            field.put("value", fact.getValue());
            field.put("short", fact.getValue().length() <= 40);
        }
        attachment.put("footer", "devflow-dr · " + notice.event() + " · " + notice.severity().name().toLowerCase());
        attachment.put("ts", notice.at().getEpochSecond());
        return body.toString();
    }

    public String mailSubject(Notice notice) {
        return SUBJECT_PREFIX + notice.title().replaceAll("[\\r\\n]+", " ");
    }

    /** The text, then the facts aligned one per line, then what happened and when. */
    public String mailBody(Notice notice) {
        StringBuilder body = new StringBuilder();
        body.append(notice.text()).append("\n\n");
        int width = notice.facts().keySet().stream().mapToInt(String::length).max().orElse(0);
        for (Map.Entry<String, String> fact : notice.facts().entrySet()) {
            body.append(String.format("%-" + (width + 1) + "s %s", fact.getKey() + ":", fact.getValue())).append('\n');
        }
        if (!notice.facts().isEmpty()) {
            body.append('\n');
        }
        body.append("Event:    ").append(notice.event()).append('\n');
        body.append("Severity: ").append(notice.severity().name().toLowerCase()).append('\n');
        body.append("At:       ").append(DateTimeFormatter.ISO_INSTANT.format(notice.at())).append('\n');
        body.append("\n-- \ndevflow-dr\n");
        return body.toString();
    }

    private static String headline(Notice notice) {
        return "[" + notice.severity().name() + "] " + notice.title();
    }

    /** Slack's own colours: good, warning, danger. */
    private static String colour(Notice.Severity severity) {
        return switch (severity) {
            case INFO -> "#2eb886";
            case WARNING -> "#daa038";
            case CRITICAL -> "#a30200";
        };
    }
}
