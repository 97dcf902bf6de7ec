package io.devflow.dr.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import io.devflow.dr.app.NotifyMail;
import io.devflow.dr.config.NotificationsConfig;
import io.devflow.dr.config.Secret;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.notify.Notice;
import io.devflow.dr.notify.NoticeFormats;
import io.devflow.dr.notify.Notifications;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.MemoryStateStore;
import io.devflow.dr.testing.Poll;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.DefaultRegistry;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The notify routes as the application loads them, against a real SMTP server (GreenMail, with a login) and a real
 * HTTP server taking the webhook: every notice is audited, mailed and posted; a webhook that answers 500 or hangs is
 * counted as failed and neither fails nor holds the caller beyond the wait, while the mail still goes out.
 */
class NotifyRoutesIT extends CamelMainTestSupport {

    static final String WEBHOOK_PATH = "/services/T000/B000/s3cr3tT0ken";

    // started on first use: CamelMainTestSupport asks for the properties from its constructor, before field initializers
    GreenMail smtp;
    HttpServer http;
    NotificationsConfig.Email email;
    NotificationsConfig config;
    final List<JsonNode> posted = new CopyOnWriteArrayList<>();
    final AtomicInteger status = new AtomicInteger(200);
    final CountDownLatch release = new CountDownLatch(1);
    volatile boolean hang;
    final MemoryStateStore state = new MemoryStateStore();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private void startServers() {
        if (config != null) {
            return;
        }
        smtp = startSmtp();
        http = startHttp();
        email = new NotificationsConfig.Email("127.0.0.1", smtp.getSmtp().getPort(), "none",
                Optional.of("notifier"), Optional.of(Secret.literal("notifications.email.password", "m41l-pass")),
                "dr@devflow.example", List.of("oncall@devflow.example", "sre@devflow.example"));
        config = new NotificationsConfig(Optional.of(new NotificationsConfig.Webhook(Secret.literal(
                "notifications.webhook.url", "http://127.0.0.1:" + http.getAddress().getPort() + WEBHOOK_PATH))),
                Optional.of(email));
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.withRoutesIncludePattern("classpath:routes/_shared/notify-*.camel.yaml,classpath:routes/notify/*.camel.yaml");
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        startServers();
        Properties p = new Properties();
        p.setProperty("dr.notify.timeoutMs", "10000");
        p.setProperty("dr.notify.waitMs", "2000");
        p.setProperty("dr.notify.email.protocol", NotifyMail.protocol(email));
        p.setProperty("dr.notify.email.host", email.host());
        p.setProperty("dr.notify.email.port", Integer.toString(email.port()));
        p.setProperty("dr.notify.email.from", email.from());
        p.setProperty("dr.notify.email.to", String.join(",", email.to()));
        return p;
    }

    @Override
    protected Registry createCamelRegistry() {
        startServers();
        Registry registry = new DefaultRegistry();
        registry.bind("notifications", new Notifications(config, new AuditLog(state, Clock.systemUTC()), meters));
        registry.bind("noticeFormats", new NoticeFormats());
        registry.bind("notifyMailLogin", NotifyMail.login(Optional.of(email)));
        registry.bind("notifyMailProperties", NotifyMail.properties(Optional.of(email), Duration.ofSeconds(10)));
        return registry;
    }

    @AfterEach
    void stopServers() {
        release.countDown();
        http.stop(0);
        smtp.stop();
    }

    @Test
    void shouldAuditMailAndPostTheNotice() throws Exception {
        Notice notice = notice();

        Object returned = template.requestBody("direct:notify", notice);

        assertThat(returned).as("the caller's message comes back").isSameAs(notice);
        assertThat(smtp.waitForIncomingEmail(10_000, 2)).isTrue();
        MimeMessage[] mails = smtp.getReceivedMessages();
        assertThat(mails).hasSize(2);
        MimeMessage mail = mails[0];
        assertThat(mail.getSubject()).isEqualTo("[devflow-dr] Failover to us-west-2 completed");
        assertThat(Arrays.stream(mail.getRecipients(Message.RecipientType.TO)).map(Object::toString))
                .containsExactly("oncall@devflow.example", "sre@devflow.example");
        assertThat(mail.getFrom()[0].toString()).isEqualTo("dr@devflow.example");
        assertThat(GreenMailUtil.getBody(mail)).contains("us-west-2 is the active region (term 4)")
                .contains("Reason:     drill").contains("Loss bound: 0 writes");
        assertThat(mail.getHeader("CamelHttpUri")).isNull();

        Poll.until("the webhook's POST", Duration.ofSeconds(10), () -> posted.size() == 1);
        JsonNode body = posted.get(0);
        assertThat(body.get("text").asText()).isEqualTo("[CRITICAL] Failover to us-west-2 completed");
        assertThat(body.at("/attachments/0/color").asText()).isEqualTo("#a30200");
        assertThat(body.at("/attachments/0/fields")).extracting(f -> f.get("title").asText() + "=" + f.get("value").asText())
                .containsExactly("From=us-east-1", "To=us-west-2", "Reason=drill", "Loss bound=0 writes");

        List<String> audit = state.paths().stream().filter(p -> p.startsWith("audit/chain/")).toList();
        assertThat(audit).hasSize(1);
        JsonNode entry = state.read(audit.get(0)).orElseThrow().content();
        assertThat(entry.get("action").asText()).isEqualTo("notice");
        assertThat(entry.get("by").asText()).isEqualTo("devflow-dr");
        assertThat(entry.get("subject").asText()).isEqualTo("failover.completed");
        assertThat(entry.at("/details/facts/Reason").asText()).isEqualTo("drill");
        assertThat(entry.at("/details/channels").toString()).isEqualTo("[\"webhook\",\"email\"]");
        Poll.until("both deliveries counted", Duration.ofSeconds(10),
                () -> count("webhook", "sent") == 1 && count("email", "sent") == 1);
        assertThat(count("webhook", "failed") + count("email", "failed")).isZero();
    }

    @Test
    void shouldCountAFailedWebhookWithoutFailingTheCaller() throws Exception {
        status.set(500);

        assertThat(callThroughARoute()).as("the caller's route goes on").isEqualTo("caller went on");
        Poll.until("the webhook's failure counted", Duration.ofSeconds(10), () -> count("webhook", "failed") == 1);
        assertThat(posted).hasSize(1);
        assertThat(count("webhook", "sent")).isZero();
        assertThat(smtp.waitForIncomingEmail(10_000, 2)).as("the mail still goes out").isTrue();
    }

    @Test
    void shouldReturnToTheCallerWhileAWebhookHangs() throws Exception {
        hang = true;

        long start = System.nanoTime();
        template.requestBody("direct:notify", notice());
        Duration waited = Duration.ofNanos(System.nanoTime() - start);

        assertThat(waited).as("bounded by dr.notify.waitMs, not by the webhook").isLessThan(Duration.ofSeconds(8));
        assertThat(smtp.waitForIncomingEmail(10_000, 2)).isTrue();
        assertThat(count("webhook", "sent")).isZero();
    }

    @Test
    void shouldCountAMailServerThatIsDownAndStillPost() throws Exception {
        smtp.stop();

        assertThat(callThroughARoute()).as("the caller's route goes on").isEqualTo("caller went on");
        Poll.until("the mail's failure counted", Duration.ofSeconds(15), () -> count("email", "failed") == 1);
        Poll.until("the webhook's POST", Duration.ofSeconds(10), () -> count("webhook", "sent") == 1);
    }

    /** A caller as the failover's notify step is: a route that sends to direct:notify and then does more. */
    private Object callThroughARoute() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:caller").to("direct:notify").setBody(constant("caller went on"));
            }
        });
        return template.requestBody("direct:caller", notice());
    }

    private double count(String channel, String outcome) {
        var counter = meters.find("dr_notifications_total").tag("channel", channel).tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    private static Notice notice() {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("From", "us-east-1");
        facts.put("To", "us-west-2");
        facts.put("Reason", "drill");
        facts.put("Loss bound", "0 writes");
        return new Notice("failover.completed", Notice.Severity.CRITICAL, "Failover to us-west-2 completed",
                "us-west-2 is the active region (term 4) after 7.2 s.", facts, Instant.parse("2026-01-27T10:15:30Z"));
    }

    private static GreenMail startSmtp() {
        GreenMail mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        mail.setUser("dr@devflow.example", "notifier", "m41l-pass");
        mail.start();
        return mail;
    }

    private HttpServer startHttp() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
            server.createContext(WEBHOOK_PATH, exchange -> {
                try (exchange) {
                    posted.add(Json.MAPPER.readTree(new String(exchange.getRequestBody().readAllBytes(),
                            StandardCharsets.UTF_8)));
                    if (hang) {
                        release.await(30, TimeUnit.SECONDS);
                    }
                    exchange.sendResponseHeaders(status.get(), -1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
