package io.devflow.dr.app;

import io.devflow.dr.config.NotificationsConfig;
import jakarta.mail.PasswordAuthentication;
import org.apache.camel.component.mail.MailAuthenticator;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

/**
 * What the mail notifier's SMTP endpoint needs beyond host and port: the login, resolved when a mail is sent (so the
 * password sits in no endpoint URI or property), and the JavaMail settings of the configured security. Without mail
 * configured the endpoint still exists (its route is always loaded) but is never sent to.
 */
public final class NotifyMail {

    private NotifyMail() {
    }

    /** The scheme of the endpoint: SMTPS for {@code tls}, SMTP (with or without STARTTLS) otherwise. */
    public static String protocol(NotificationsConfig.Email email) {
        return email.security().equals("tls") ? "smtps" : "smtp";
    }

    /** The login; one without a user name makes JavaMail send without authenticating. */
    public static MailAuthenticator login(Optional<NotificationsConfig.Email> email) {
        return new MailAuthenticator() {
            @Override
            public PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication(email.flatMap(NotificationsConfig.Email::username).orElse(null),
                        email.flatMap(NotificationsConfig.Email::password).map(p -> p.reveal()).orElse(null));
            }
        };
    }

    /**
     * STARTTLS is required, not merely tried, when configured (a server that does not offer it fails the mail instead
     * of receiving the login in the clear); the server's name is checked against its certificate either way.
     */
    public static Properties properties(Optional<NotificationsConfig.Email> configured, Duration timeout) {
        Properties p = new Properties();
        if (configured.isEmpty()) {
            return p;
        }
        NotificationsConfig.Email email = configured.get();
        String protocol = protocol(email);
        p.setProperty("mail." + protocol + ".writetimeout", Long.toString(timeout.toMillis()));
        switch (email.security()) {
            case "starttls" -> {
                p.setProperty("mail.smtp.starttls.enable", "true");
                p.setProperty("mail.smtp.starttls.required", "true");
                p.setProperty("mail.smtp.ssl.checkserveridentity", "true");
            }
            case "tls" -> p.setProperty("mail.smtps.ssl.checkserveridentity", "true");
            default -> p.setProperty("mail.smtp.starttls.enable", "false");
        }
        return p;
    }
}
