package io.devflow.dr.app;

import io.devflow.dr.backup.BackupFailures;
import io.devflow.dr.backup.BackupPipeline;
import io.devflow.dr.backup.RunningBackups;
import io.devflow.dr.catalog.BackupCatalog;
import io.devflow.dr.catalog.CatalogIndex;
import io.devflow.dr.catalog.BackupKeys;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.crypto.CachingKeyProvider;
import io.devflow.dr.crypto.DeferredKeyProvider;
import io.devflow.dr.crypto.KeyProvider;
import io.devflow.dr.crypto.KeyProviders;
import io.devflow.dr.metrics.DrMetrics;
import io.devflow.dr.recovery.PointInTimeRecovery;
import io.devflow.dr.recovery.RestoreService;
import io.devflow.dr.recovery.plan.Recoveries;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.retention.ConflictRetention;
import io.devflow.dr.retention.RetentionService;
import io.devflow.dr.status.BackupStatusService;
import io.devflow.dr.store.StoreRegistry;
import io.devflow.dr.store.influxdb.InfluxOperations;
import io.devflow.dr.store.mongodb.MongoOperations;
import io.devflow.dr.store.redis.RedisOperations;
import io.devflow.dr.verification.BackupVerifier;
import io.devflow.dr.verification.VerifyService;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import io.devflow.dr.config.ConfigException;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.control.ActiveRegions;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.control.ConflictCipher;
import io.devflow.dr.control.ControlKeys;
import io.devflow.dr.control.LeaderTerms;
import io.devflow.dr.control.Leadership;
import io.devflow.dr.control.RegionalStateStore;
import io.devflow.dr.control.StateStore;
import io.devflow.dr.control.WriteAuthority;
import io.devflow.dr.failover.Failovers;
import io.devflow.dr.failover.HealthMonitor;
import io.devflow.dr.failover.fencing.StoreFence;
import io.devflow.dr.failover.fencing.StoreFences;
import io.devflow.dr.notify.Notifications;
import io.devflow.dr.replication.ReplicationControl;
import io.devflow.dr.replication.ReplicationHandover;
import io.devflow.dr.replication.ReplicationService;
import io.devflow.dr.status.SystemStatusService;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The application's object graph, built from configuration, with no Camel in it: the CLI uses it directly
 * for read-only commands, and {@link DrBeans} binds it into Camel for the pipelines.
 */
public final class DrServices implements AutoCloseable {

    /** Data keys kept open per process, so that listings unwrap each manifest's key once. */
    private static final int OPENED_KEYS = 10_000;

    private final DrConfig config;
    private final RegionDirectory regions;
    private final KeyProvider keys;
    private final PrometheusMeterRegistry meterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final DrMetrics metrics = new DrMetrics(meterRegistry);
    private final RunningBackups running = new RunningBackups();
    private final Clock clock;
    private final BackupCatalog catalog;
    private final BackupVerifier verifier;
    private final BackupPipeline pipeline;
    private final BackupFailures failures;
    private final VerifyService verifyService;
    private final RestoreService restoreService;
    private final PointInTimeRecovery pointInTime;
    private final Recoveries recoveries;
    private final RetentionService retention;
    private final ConflictRetention conflictRetention;
    private final ConflictCipher conflictCipher;
    private final BackupStatusService status;
    private final StoreRegistry stores;
    private final ControlKeys controlKeys;
    private final Leadership leadership;
    /** Who writes the control state: an operator (a CLI command) until the server takes part in elections. */
    private volatile WriteAuthority writer;
    private final RegionalStateStore state;
    private final LeaderTerms terms;
    private final AuditLog audit;
    private final ActiveRegions activeRegions;
    private final ReplicationService replication;
    private final ReplicationHandover handover;
    private final ReplicationControl replicationControl;
    private final HealthMonitor health;
    private final FailoverParts failover;
    private final DrillParts drills;
    private final SystemStatusService systemStatus;
    private final StoreFences fences;
    private final Notifications notifications;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final List<AutoCloseable> closeables = new java.util.ArrayList<>();

    public DrServices(DrConfig config) {
        this(config, new RegionDirectory(config), Clock.systemUTC());
    }

    public DrServices(DrConfig config, RegionDirectory regions, Clock clock) {
        this.config = config;
        this.regions = regions;
        this.clock = clock;
        this.keys = new CachingKeyProvider(new DeferredKeyProvider(() -> KeyProviders.create(config.backup().encryption())),
                OPENED_KEYS);
        BackupKeys backupKeys = new BackupKeys(keys, config.deploymentId());
        this.leadership = Instances.leadership(config);
        this.writer = WriteAuthority.operator(Instances.operator());
        this.controlKeys = new ControlKeys(regions, keys, config.deploymentId(), clock);
        this.state = new RegionalStateStore(regions, controlKeys, () -> writer.stamp(), (region, path, reason) ->
                meterRegistry.counter("dr_control_documents_rejected_total", "region", region.value()).increment(),
                clock);
        this.terms = new LeaderTerms(state, clock);
        this.audit = new AuditLog(state, clock);
        this.activeRegions = new ActiveRegions(config, state, clock);
        // an open capture segment also closes when this server stops leading, and is then not committed, or when
        // its region stops being the active one (a failover), and is then committed: it holds that region's changes
        // up to the failover
        this.stores = new StoreRegistry(List.of(new MongoOperations(clock,
                        region -> stopping.get() || !mayActAsLeader() || !isActive(region)),
                new RedisOperations(clock),
                new InfluxOperations(clock)));
        config.regions().forEach((region, stores) -> Arrays.stream(StoreKind.values()).filter(stores::has).forEach(store ->
                Arrays.stream(BackupType.values()).forEach(type -> metrics.expect(store.id(), type.id(), region.value()))));
        this.catalog = new BackupCatalog(regions, backupKeys, metrics, new CatalogIndex(controlKeys::catalogMac, clock));
        this.verifier = new BackupVerifier(backupKeys, stores, clock);
        this.pipeline = new BackupPipeline(regions, stores, catalog, keys, backupKeys, verifier, metrics, running,
                activeRegions::current, clock);
        this.failures = new BackupFailures(metrics, running, clock);
        this.verifyService = new VerifyService(catalog, verifier, backupKeys, clock);
        this.restoreService = new RestoreService(catalog, regions, stores, backupKeys, verifier, clock);
        this.pointInTime = new PointInTimeRecovery(catalog, regions, stores, restoreService, verifier, clock);
        this.retention = new RetentionService(catalog, regions, stores, running, clock);
        this.status = new BackupStatusService(regions, stores, catalog, activeRegions::current, clock);
        this.conflictCipher = new ConflictCipher(keys, config.deploymentId(), clock);
        ReplicationParts replicationParts = ReplicationParts.of(config.replication(), regions, state, conflictCipher,
                audit, meterRegistry, () -> activeRegions.current().region(), clock);
        this.replication = replicationParts.replication();
        this.handover = replicationParts.handover();
        this.replicationControl = replicationParts.control();
        this.conflictRetention = replicationParts.conflictRetention();
        this.recoveries = Recoveries.of(config, catalog, regions, stores, backupKeys, restoreService, pointInTime, state,
                audit, Optional.ofNullable(replicationControl), () -> activeRegions.current().region(), clock);
        this.health = new HealthMonitor(regions, state, clock);
        this.fences = new StoreFences(config, clock);
        this.notifications = new Notifications(config.notifications(), audit, meterRegistry);
        this.failover = FailoverParts.of(config, state, activeRegions, health, catalog, regions, audit, meterRegistry,
                leadership, () -> writer, replication, clock);
        this.drills = DrillParts.of(config, state, activeRegions, regions, stores, catalog, verifier, audit,
                failover.failovers(), replication, recoveries, meterRegistry, clock);
        this.systemStatus = new SystemStatusService(config, status, health, state, activeRegions::current,
                replication(), replicationControl(), () -> Instances.status(leadership, terms, writer == leadership),
                live -> {
                    if (!live) {
                        drills.objectives().refresh();
                    }
                    return drills.objectives().all();
                }, clock);
    }

    public HealthMonitor health() {
        return health;
    }

    /**
     * The write fences of the stores configured in any region (Redis, and the hook fences of MongoDB and InfluxDB), for
     * the failover's stop-traffic step; {@link #fenceHold()} is how long one holds before it must be renewed.
     */
    public List<StoreFence> fences() {
        return fences.all();
    }

    public Duration fenceHold() {
        return fences.hold();
    }

    /** The audit and outcomes of the notify routes (direct:notify). */
    public Notifications notifications() {
        return notifications;
    }

    /** Failovers: plan, start, list; what the CLI, the API and the failover routes call. */
    public Failovers failovers() {
        return failover.failovers();
    }

    /** The parts the failover routes are built from. */
    public FailoverParts failover() {
        return failover;
    }

    /** DR drills ({@code dr test}), their results, and the recovery objectives measured from them. */
    public DrillParts drills() {
        return drills;
    }

    /** What {@code dr status} and {@code GET /api/status} show. */
    public SystemStatusService systemStatus() {
        return systemStatus;
    }

    /** The control-plane state, kept in every region's bucket. */
    public StateStore state() {
        return state;
    }

    /** The same, with what only operators' commands do (adopting unsigned documents). */
    public RegionalStateStore controlState() {
        return state;
    }

    /** This instance's part in leader elections (used by dr server only). */
    public Leadership leadership() {
        return leadership;
    }

    /** The leadership record in the control state. */
    public LeaderTerms terms() {
        return terms;
    }

    /** From now on this process writes the control state as the elected leader of its term, or not at all. */
    public void writeAsLeader() {
        writer = leadership;
    }

    /** True in a CLI command; in dr server only while this instance leads. */
    public boolean mayActAsLeader() {
        return writer != leadership || leadership.leads();
    }

    public AuditLog audit() {
        return audit;
    }

    /** The deployment's control key: control documents' MAC and the signature of compliance evidence. */
    public ControlKeys controlKeys() {
        return controlKeys;
    }

    /**
     * Whether the region is the active one as far as this process can tell: a server that cannot read the control
     * state just now keeps what it has (an open capture segment is not closed for that).
     */
    private boolean isActive(RegionId region) {
        try {
            return activeRegions.current().region().equals(region);
        } catch (RuntimeException e) {
            return true;
        }
    }

    /** The active region: the configured primary until a failover made another one active. */
    public ActiveRegions activeRegions() {
        return activeRegions;
    }

    /** Replication's drain for a failover or a switchback, when the configuration has a replication block. */
    public Optional<ReplicationHandover> handover() {
        return Optional.ofNullable(handover);
    }

    /** Replication, when the configuration has a replication block. */
    public Optional<ReplicationService> replication() {
        return Optional.ofNullable(replication);
    }

    public Optional<ReplicationControl> replicationControl() {
        return Optional.ofNullable(replicationControl);
    }

    /** Replication, or a configuration error saying how to configure it. */
    public ReplicationService requireReplication() {
        return replication().orElseThrow(() -> ConfigException.general("replication is not configured: add a "
                + "disasterRecovery.replication block (config/dr-config.example.json shows one) to " + config.source()));
    }

    public DrConfig config() {
        return config;
    }

    public RegionDirectory regions() {
        return regions;
    }

    /** The key provider; it is created at its first use, so commands that need no key never load one. */
    public KeyProvider keys() {
        return keys;
    }

    public PrometheusMeterRegistry meterRegistry() {
        return meterRegistry;
    }

    public DrMetrics metrics() {
        return metrics;
    }

    public RunningBackups running() {
        return running;
    }

    public Clock clock() {
        return clock;
    }

    public BackupCatalog catalog() {
        return catalog;
    }

    public BackupPipeline pipeline() {
        return pipeline;
    }

    public BackupFailures failures() {
        return failures;
    }

    public VerifyService verifyService() {
        return verifyService;
    }

    public RestoreService restoreService() {
        return restoreService;
    }

    public PointInTimeRecovery pointInTime() {
        return pointInTime;
    }

    /** Recovery plans: {@code dr recover}. */
    public Recoveries recoveries() {
        return recoveries;
    }

    public RetentionService retention() {
        return retention;
    }

    /** The retention step for resolved conflicts, which runs after the backups' retention. */
    public ConflictRetention conflictRetention() {
        return conflictRetention;
    }

    public BackupStatusService status() {
        return status;
    }

    public StoreRegistry stores() {
        return stores;
    }

    /** Tells long-running work (the change-capture worker) to finish what it has and stop. */
    public void beginShutdown() {
        stopping.set(true);
    }

    /** Lets long-running work run again: a new runtime started on these services. */
    public void acceptWork() {
        stopping.set(false);
    }

    /** Closes a client made for this application's lifetime (the Camel endpoints' connections) with it. */
    public <T extends AutoCloseable> T closeWithServices(T client) {
        synchronized (closeables) {
            closeables.add(client);
        }
        return client;
    }

    @Override
    public void close() {
        synchronized (closeables) {
            for (AutoCloseable client : closeables) {
                try {
                    client.close();
                } catch (Exception e) {
                    // closing on the way out: nothing left to tell anyone
                }
            }
            closeables.clear();
        }
        if (replication != null) {
            replication.close();
        }
        health.close();
        state.close();
        conflictCipher.close();
        controlKeys.close();
        keys.close();
        regions.close();
        meterRegistry.close();
    }
}
