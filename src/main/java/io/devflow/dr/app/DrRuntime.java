package io.devflow.dr.app;

import io.devflow.dr.config.ApiConfig;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.ScheduleConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.store.redis.RedisConnections;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.main.SimpleMainShutdownStrategy;
import org.apache.camel.spi.InflightRepository;
import org.apache.camel.spi.ShutdownStrategy;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * Runs the YAML routes on camel-main. {@link Mode#SERVER} is {@code dr server}: every route, the cron
 * schedules, the HTTP API and the management endpoints. {@link Mode#ONE_SHOT} is a CLI command: only the
 * pipelines, no listeners, stopped when the command is done. {@link Mode#CONTROLLER} is a CLI command that acts as
 * the DR controller for its run (a failover when no server leads): the failover routes and the leader election,
 * no HTTP server.
 */
public final class DrRuntime implements AutoCloseable {

    /** Where routes are loaded from unless {@code dr.routes} points elsewhere (bin/dr points it at the repository). */
    static final String DEFAULT_ROUTES = "classpath:routes";

    public enum Mode { SERVER, ONE_SHOT, CONTROLLER }

    /** How often the shutdown looks whether the leader's routes are done. */
    private static final long LEADER_WORK_POLL_MS = 50;
    /** Route directories under routes/: the pipelines, and for the server also the API (schedules live beside their flow). */
    private static final List<String> ONE_SHOT_ROUTES = List.of("_shared", "backup", "notify");
    private static final List<String> CONTROLLER_ROUTES = List.of("_shared", "failover", "notify");
    private static final List<String> SERVER_ROUTES = List.of("_shared", "backup", "retention", "replication", "failover",
            "drtest", "notify", "alerts", "api");

    /** How long a notifier may take to deliver one notice (connect, send, answer). */
    static final Duration NOTIFY_TIMEOUT = Duration.ofSeconds(10);
    /** How long direct:notify waits for its notifiers before it returns to the caller. */
    static final Duration NOTIFY_WAIT = Duration.ofSeconds(15);

    private final Main main;
    private final DrServices services;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private DrRuntime(Main main, DrServices services) {
        this.main = main;
        this.services = services;
    }

    /**
     * @param overrides extra Camel or {@code dr.*} properties (tests use them to shorten schedules, say)
     */
    public static DrRuntime start(DrServices services, Mode mode, Map<String, String> overrides) throws Exception {
        Main main = new Main();
        main.setAppName("devflow-dr");
        // Shutdown is ours: the CLI stops the runtime when its command ends, dr server on SIGTERM.
        main.setShutdownStrategy(new SimpleMainShutdownStrategy());
        Properties properties = properties(services.config(), mode);
        overrides.forEach(properties::setProperty);
        main.setOverrideProperties(properties);
        String routes = properties.getProperty("dr.routes", System.getProperty("dr.routes", DEFAULT_ROUTES));
        main.configure().withRoutesIncludePattern(routesPattern(routes, mode));
        main.configure().withRoutesExcludePattern(excludedRoutes(services.config(), mode));
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport support) {
                for (DrBeans.Bean bean : DrBeans.of(services, mode)) {
                    support.getCamelContext().getRegistry().bind(bean.name(), bean.type(), bean.supplier());
                }
                if (mode != Mode.ONE_SHOT) {
                    services.failovers().launchWith(new FailoverLauncher(support.getCamelContext(), services.failovers()));
                }
                services.config().api().tls().filter(tls -> mode == Mode.SERVER)
                        .ifPresent(tls -> support.getCamelContext().setSSLContextParameters(ApiTls.parameters(tls)));
            }

            @Override
            public void afterConfigure(BaseMainSupport support) {
                if (mode == Mode.SERVER) {
                    addKeyspaceRoutes(support.getCamelContext(), services);
                }
            }
        });
        services.acceptWork();
        DrRuntime runtime = new DrRuntime(main, services);
        main.start();
        return runtime;
    }

    /**
     * The route files a mode loads, directory by directory: a {@code **} pattern does not resolve inside a jar
     * (the scanner drops the sub-directory from the names it finds).
     */
    public static String routesPattern(String base, Mode mode) {
        List<String> directories = switch (mode) {
            case SERVER -> SERVER_ROUTES;
            case CONTROLLER -> CONTROLLER_ROUTES;
            case ONE_SHOT -> ONE_SHOT_ROUTES;
        };
        return directories.stream().map(d -> base + "/" + d + "/*.camel.yaml").collect(Collectors.joining(","));
    }

    /**
     * CLI commands run no schedules or workers; the server runs the schedules unless CronJobs run them
     * ({@code backup.schedule.runner}), the capture worker only when it has work, and the replication routes of the
     * stores it replicates (they call the replication beans, which exist only then).
     */
    public static String excludedRoutes(DrConfig config, Mode mode) {
        List<String> excluded = new ArrayList<>();
        if (mode == Mode.ONE_SHOT || config.backup().schedule().runner() == ScheduleConfig.Runner.CRONJOBS) {
            // with CronJobs as the runner, they back up, apply retention and run the DR tests: not the server too
            excluded.add("**/*-schedule.camel.yaml");
        }
        if (mode == Mode.ONE_SHOT || !config.backup().incremental().captureWorker()
                || config.regions().values().stream().allMatch(r -> r.mongodb().isEmpty())) {
            excluded.add("**/*-worker.camel.yaml");
        }
        if (mode == Mode.CONTROLLER || mode == Mode.SERVER && config.regions().size() < 2) {
            // a CLI command that leads for one failover does not watch for the next; one region has nowhere to go
            excluded.add("**/failover/auto-failover.camel.yaml");
        }
        if (config.replication().isEmpty()) {
            excluded.add("**/replication/*.camel.yaml");
            excluded.add("**/_shared/replication-*.camel.yaml");
        } else {
            // a store's worker routes call its replication bean, which exists only when the store is replicated
            for (StoreKind store : StoreKind.values()) {
                if (!config.replication().get().replicates(store)) {
                    excluded.add("**/replication/" + store.id() + "-*.camel.yaml");
                }
            }
        }
        return excluded.isEmpty() ? null : String.join(",", excluded);
    }

    /**
     * One keyspace subscription route per replicated region with Redis (from the {@code redis-keyspace} template),
     * so that Redis replication hears the active region's changes whichever region that is.
     */
    static void addKeyspaceRoutes(CamelContext context, DrServices services) {
        services.replication().filter(r -> r.replication(StoreKind.REDIS).isPresent()).ifPresent(replication -> {
            for (RegionId region : replication.regions()) {
                RedisConnections redis = new RedisConnections(services.config().requireRegion(region.value()).requireRedis());
                TemplatedRouteBuilder.builder(context, "redis-keyspace")
                        .routeId("replication-redis-keyspace-" + region.value())
                        .parameter("region", region.value())
                        .parameter("host", redis.host())
                        .parameter("port", Integer.toString(redis.port()))
                        .add();
            }
        });
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public ProducerTemplate producer() {
        return main.getCamelContext().createProducerTemplate();
    }

    /** Blocks until {@link #close()} is called, for instance by a shutdown hook on Ctrl-C. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        services.beginShutdown();
        try {
            awaitLeaderWork();
            main.stop();
        } finally {
            stopped.countDown();
        }
    }

    /**
     * Lets the exchanges under way in the leader's routes ({@code master:} endpoints: the capture worker, the
     * schedules, health, alerts) end before Camel stops those routes. Stopping a {@code master:} route shuts down the
     * timer or Quartz consumer under it at once, and with it the route's error handler, so an exchange still running
     * (a capture segment closing early, a scheduled backup) would end refused, with a stack trace in the log, after
     * its work was done. The services are stopping, so such work ends early; this waits at most Camel's shutdown
     * timeout, as Camel would for any route.
     */
    private void awaitLeaderWork() {
        CamelContext context = main.getCamelContext();
        if (context == null || !context.isStarted()) {
            return;
        }
        List<String> leaderRoutes = context.getRoutes().stream()
                .filter(route -> route.getEndpoint().getEndpointUri().startsWith("master:"))
                .map(Route::getRouteId).toList();
        InflightRepository inflight = context.getInflightRepository();
        ShutdownStrategy shutdown = context.getShutdownStrategy();
        long deadline = System.nanoTime() + shutdown.getTimeUnit().toNanos(shutdown.getTimeout());
        while (leaderRoutes.stream().anyMatch(route -> inflight.size(route) > 0) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(LEADER_WORK_POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The Camel and {@code dr.*} properties that come from the configuration (schedules, HTTP). */
    public static Properties properties(DrConfig config, Mode mode) {
        Properties p = new Properties();
        ScheduleConfig schedule = config.backup().schedule();
        p.setProperty("dr.schedule.full", schedule.full());
        p.setProperty("dr.schedule.incremental", schedule.incremental());
        p.setProperty("dr.schedule.retention", schedule.retention());
        p.setProperty("dr.schedule.timezone", schedule.timezone());
        p.setProperty("dr.schedule.drTest", config.recovery().drills().fullTestSchedule());
        p.setProperty("dr.schedule.restoreDrill", config.recovery().drills().restoreDrillSchedule());
        p.setProperty("dr.failover.checkIntervalMs",
                Long.toString(config.recovery().failover().automatic().checkInterval().toMillis()));
        // a failover's fences hold for redisPause each; renewed three times within that
        p.setProperty("dr.failover.renewPeriodMs", Long.toString(Math.max(1000,
                config.recovery().failover().fencing().redisPause().toMillis() / 3)));
        config.replication().ifPresent(r -> {
            p.setProperty("dr.replication.influxdb.pollMs", Long.toString(r.influxdb().window().toMillis()));
            p.setProperty("dr.replication.redis.reconcileMs", Long.toString(r.redis().reconcileInterval().toMillis()));
        });
        p.setProperty("dr.notify.timeoutMs", Long.toString(NOTIFY_TIMEOUT.toMillis()));
        p.setProperty("dr.notify.waitMs", Long.toString(NOTIFY_WAIT.toMillis()));
        p.setProperty("dr.alerts.intervalMs", Long.toString(config.notifications().alerts().interval().toMillis()));
        config.notifications().email().ifPresent(email -> {
            p.setProperty("dr.notify.email.protocol", NotifyMail.protocol(email));
            p.setProperty("dr.notify.email.host", email.host());
            p.setProperty("dr.notify.email.port", Integer.toString(email.port()));
            p.setProperty("dr.notify.email.from", email.from());
            p.setProperty("dr.notify.email.to", String.join(",", email.to()));
        });
        boolean server = mode == Mode.SERVER;
        ApiConfig api = config.api();
        p.setProperty("camel.server.enabled", Boolean.toString(server));
        p.setProperty("camel.management.enabled", Boolean.toString(server));
        p.setProperty("camel.server.host", api.host());
        p.setProperty("camel.server.port", Integer.toString(api.port()));
        p.setProperty("camel.management.host", api.host());
        p.setProperty("camel.management.port", Integer.toString(api.port()));
        p.setProperty("camel.metrics.enabled", Boolean.toString(server));
        if (server) {
            p.setProperty("camel.rest.apiContextPath", "/api/openapi.json");
            p.setProperty("camel.server.useGlobalSslContextParameters", Boolean.toString(api.tlsEnabled()));
            // the OpenAPI document's server: where callers reach the API, never the wildcard address
            URI base = URI.create(api.baseUrl());
            p.setProperty("camel.rest.apiProperties[host]", base.getHost() + ":" + base.getPort());
            p.setProperty("camel.rest.apiProperties[schemes]", base.getScheme());
        }
        return p;
    }
}
