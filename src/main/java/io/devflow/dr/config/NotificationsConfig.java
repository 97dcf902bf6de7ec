package io.devflow.dr.config;

import java.util.List;
import java.util.Optional;

/**
 * {@code disasterRecovery.notifications}: where the team is told of failovers and of the service's own alerts.
 *
 * @param webhook a URL that takes a Slack-compatible JSON body (a Slack incoming webhook, or anything that reads one)
 * @param email mail through an SMTP server
 * @param alerts when the alerts are evaluated and repeated
 */
public record NotificationsConfig(Optional<Webhook> webhook, Optional<Email> email, AlertsConfig alerts) {

    public static final NotificationsConfig NONE = new NotificationsConfig(Optional.empty(), Optional.empty());

    /** The channels, with the alerts' defaults. */
    public NotificationsConfig(Optional<Webhook> webhook, Optional<Email> email) {
        this(webhook, email, AlertsConfig.DEFAULTS);
    }

    public boolean any() {
        return webhook.isPresent() || email.isPresent();
    }

    /** @param url the webhook's URL, a secret: a Slack webhook URL is its own credential */
    public record Webhook(Secret url) {
    }

    /**
     * @param host the SMTP server
     * @param port its port (587 with STARTTLS unless configured)
     * @param security {@code starttls}, {@code tls} (SMTPS) or {@code none} (a relay on the same host only)
     */
    public record Email(String host, int port, String security, Optional<String> username, Optional<Secret> password,
                        String from, List<String> to) {

        public Email {
            to = List.copyOf(to);
        }
    }
}
