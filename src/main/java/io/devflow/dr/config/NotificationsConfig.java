package io.devflow.dr.config;

import java.util.List;
import java.util.Optional;

/**
 * {@code disasterRecovery.notifications}: where the team is told of failovers (and later of alerts).
 *
 * @param webhook a URL that takes a Slack-compatible JSON body (a Slack incoming webhook, or anything that reads one)
 * @param email mail through an SMTP server
 */
public record NotificationsConfig(Optional<Webhook> webhook, Optional<Email> email) {

    public static final NotificationsConfig NONE = new NotificationsConfig(Optional.empty(), Optional.empty());

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
