package io.devflow.dr.config;

import io.devflow.dr.support.DurationText;

import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Reads {@code disasterRecovery.notifications}: the webhook and the mail that tell the team, and the alerts. */
final class NotificationsReader {

    private static final Pattern ADDRESS = Pattern.compile("[^@\\s<>\"]+@[^@\\s<>\"]+");

    private NotificationsReader() {
    }

    static NotificationsConfig read(Optional<JsonObjectReader> block) {
        if (block.isEmpty()) {
            return NotificationsConfig.NONE;
        }
        JsonObjectReader n = block.get();
        Optional<NotificationsConfig.Webhook> webhook = n.object("webhook", false).flatMap(w -> {
            Optional<Secret> url = w.secret("url", true, Secret::fullyMasked);
            w.rejectUnknown();
            return url.map(NotificationsConfig.Webhook::new);
        });
        Optional<NotificationsConfig.Email> email = n.object("email", false).map(NotificationsReader::email);
        AlertsConfig alerts = n.object("alerts", false).map(NotificationsReader::alerts).orElse(AlertsConfig.DEFAULTS);
        n.rejectUnknown();
        return new NotificationsConfig(webhook, email, alerts);
    }

    private static AlertsConfig alerts(JsonObjectReader a) {
        AlertsConfig defaults = AlertsConfig.DEFAULTS;
        Duration interval = a.duration("interval", defaults.interval(), Duration.ofSeconds(1), Duration.ofHours(1));
        Duration repeatEvery = a.duration("repeatEvery", defaults.repeatEvery(), Duration.ofSeconds(1), Duration.ofDays(7));
        if (repeatEvery.compareTo(interval) < 0) {
            a.problem("repeatEvery", "must be at least the interval (" + DurationText.format(interval)
                    + "): an alert is only looked at once per interval");
        }
        Duration backupMaxAge = a.duration("backupMaxAge", defaults.backupMaxAge(), Duration.ofMinutes(1),
                Duration.ofDays(400));
        Duration conflictMaxAge = a.duration("conflictMaxAge", defaults.conflictMaxAge(), Duration.ofMinutes(1),
                Duration.ofDays(400));
        List<String> names = a.strings("disabled");
        Set<AlertRule> disabled = EnumSet.noneOf(AlertRule.class);
        for (int i = 0; i < names.size(); i++) {
            Optional<AlertRule> rule = AlertRule.find(names.get(i));
            if (rule.isPresent()) {
                disabled.add(rule.get());
            } else {
                a.problem("disabled[" + i + "]", "'" + names.get(i) + "' is not an alert; the alerts are "
                        + Arrays.stream(AlertRule.values()).map(AlertRule::id).collect(Collectors.joining(", ")));
            }
        }
        a.rejectUnknown();
        return new AlertsConfig(interval, repeatEvery, backupMaxAge, conflictMaxAge, disabled);
    }

    private static NotificationsConfig.Email email(JsonObjectReader e) {
        String host = e.string("host", null);
        String security = e.string("security", "starttls");
        if (!List.of("starttls", "tls", "none").contains(security)) {
            e.problem("security", "'" + security + "' is not one of starttls, tls, none");
        }
        int port = e.integer("port", security.equals("tls") ? 465 : security.equals("none") ? 25 : 587, 1, 65_535);
        Optional<String> username = e.optionalString("username");
        Optional<Secret> password = e.secret("password", false, Secret::fullyMasked);
        if (password.isPresent() && username.isEmpty()) {
            e.problem("username", "required with a password");
        }
        String from = e.string("from", null);
        if (from != null && !ADDRESS.matcher(from).matches()) {
            e.problem("from", "'" + from + "' is not a mail address");
        }
        boolean listed = e.present("to");
        List<String> to = e.strings("to");
        if (!listed) {
            e.problem("to", "required: the addresses to tell");
        } else if (to.isEmpty()) {
            e.problem("to", "must name at least one address");
        }
        for (int i = 0; i < to.size(); i++) {
            if (!ADDRESS.matcher(to.get(i)).matches()) {
                e.problem("to[" + i + "]", "'" + to.get(i) + "' is not a mail address");
            }
        }
        e.rejectUnknown();
        return new NotificationsConfig.Email(host, port, security, username, password, from, to);
    }
}
