package io.devflow.dr.app;

import io.devflow.dr.config.ClusterConfig;
import io.devflow.dr.control.LeaderTerms;
import io.devflow.dr.control.Leadership;
import io.devflow.dr.support.Failures;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.apache.camel.component.kubernetes.cluster.LeaseResourceType;
import org.apache.camel.component.zookeeper.cluster.ZooKeeperClusterService;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Binds this instance's {@link Leadership} to Camel's cluster service, the one every {@code master:} endpoint of
 * the routes uses (namespace {@value #NAMESPACE}). camel-main adds both from the registry (DrBeans binds them): the
 * cluster service as a context service, this as an event notifier, which registers on the view when the context
 * starts, before any route consumer does, so when the engine elects this instance its term is recorded before a
 * leader-only consumer fires; when the engine deposes it, writes stop at once. A heartbeat re-reads the term record
 * every third of {@code confirmWithin}: that confirms a leader (or deposes one whose term was taken over) and tells
 * a standby who leads.
 */
final class LeaderElection extends EventNotifierSupport {

    static final String NAMESPACE = "dr-controller";
    private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

    private final DrServices services;
    private final Leadership leadership;
    private final CamelClusterEventListener.Leadership listener = this::leadershipChanged;
    private final LeaderTerms terms;
    private final CamelClusterService cluster;
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "dr-leadership");
        thread.setDaemon(true);
        return thread;
    });
    private volatile CamelClusterView view;

    LeaderElection(DrServices services, CamelClusterService cluster) {
        this.services = services;
        this.leadership = services.leadership();
        this.terms = services.terms();
        this.cluster = cluster;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.CamelContextStartingEvent || event instanceof CamelEvent.CamelContextStartedEvent
                || event instanceof CamelEvent.CamelContextStoppedEvent;
    }

    @Override
    public void notify(CamelEvent event) throws Exception {
        if (event instanceof CamelEvent.CamelContextStartingEvent) {
            // from now on this process writes the control state only while it leads
            services.writeAsLeader();
            view = cluster.getView(NAMESPACE);
            view.addEventListener(listener);
            long period = Math.max(200, services.config().cluster().confirmWithin().toMillis() / 3);
            heartbeat.scheduleWithFixedDelay(this::beat, 0, period, TimeUnit.MILLISECONDS);
            LOG.info("instance {} takes part in leader elections ({}); its API is {}", leadership.instanceId(),
                    leadership.engine(), leadership.apiUrl());
        } else if (event instanceof CamelEvent.CamelContextStartedEvent started) {
            HealthCheckRegistry health = HealthCheckRegistry.get(started.getContext());
            if (health != null) {
                health.register(healthCheck());
                health.register(new ActiveRegionHealthCheck(services.config(), services.activeRegions()));
            }
        } else {
            leave();
        }
    }

    /** The engine of the configuration, as a Camel cluster service named after this instance. */
    static CamelClusterService service(ClusterConfig config, String instanceId) {
        return switch (config.engine()) {
            case ZOOKEEPER -> {
                ClusterConfig.ZooKeeper zk = config.zookeeper().orElseThrow();
                ZooKeeperClusterService service = new ZooKeeperClusterService();
                service.setId(instanceId);
                service.setNodes(zk.connect());
                service.setBasePath(zk.basePath());
                service.setSessionTimeout(zk.sessionTimeout().toMillis());
                service.setConnectTimeout(zk.connectionTimeout().toMillis());
                yield service;
            }
            case KUBERNETES -> {
                ClusterConfig.Kubernetes k8s = config.kubernetes().orElseThrow();
                KubernetesClusterService service = new KubernetesClusterService();
                service.setId(instanceId);
                service.setPodName(instanceId);
                // the Lease and the member pods live in the resources namespace; without it they follow the client's,
                // which in a pod is the pod's own whatever the configuration says
                k8s.namespace().ifPresent(namespace -> {
                    service.setKubernetesNamespace(namespace);
                    service.setKubernetesResourcesNamespace(namespace);
                });
                service.setLeaseResourceType(LeaseResourceType.Lease);
                service.setKubernetesResourceName(k8s.leaseName());
                service.setLeaseDurationMillis(k8s.leaseDuration().toMillis());
                service.setRenewDeadlineMillis(k8s.renewDeadline().toMillis());
                service.setRetryPeriodMillis(k8s.retryPeriod().toMillis());
                yield service;
            }
            case FILE -> {
                ClusterConfig.FileLock file = config.file().orElseThrow();
                try {
                    Files.createDirectories(file.directory());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot create the leader-election directory " + file.directory()
                            + " (disasterRecovery.cluster.file.directory): " + e.getMessage(), e);
                }
                FileLockClusterService service = new FileLockClusterService();
                service.setId(instanceId);
                service.setRoot(file.directory().toString());
                service.setAcquireLockDelay(100, TimeUnit.MILLISECONDS);
                service.setAcquireLockInterval(file.acquireInterval().toMillis(), TimeUnit.MILLISECONDS);
                yield service;
            }
        };
    }

    private void leadershipChanged(CamelClusterView changed, CamelClusterMember leader) {
        if (changed.getLocalMember().isLeader()) {
            if (!leadership.isElected()) {
                LOG.info("instance {} was elected by {}; recording its term", leadership.instanceId(), leadership.engine());
                leadership.elected();
                takeTerm();
            }
        } else if (leadership.isElected()) {
            leadership.deposed("the " + leadership.engine() + " election no longer counts it as leader");
        }
    }

    private void takeTerm() {
        try {
            leadership.took(terms.take(leadership.instanceId(), leadership.apiUrl()));
        } catch (RuntimeException e) {
            LOG.warn("instance {} was elected but could not record its term ({}); it retries, and acts as leader "
                    + "only once it has", leadership.instanceId(), Failures.describe(e));
        }
    }

    private void beat() {
        try {
            if (leadership.isElected() && view != null && !view.getLocalMember().isLeader()) {
                leadership.deposed("the " + leadership.engine() + " election no longer counts it as leader");
            }
            if (leadership.isElected() && leadership.ownTerm().isEmpty()) {
                takeTerm();
            } else {
                leadership.observed(terms.current());
            }
        } catch (RuntimeException e) {
            LOG.debug("leadership heartbeat: {}", Failures.describe(e));
        }
    }

    /**
     * GET /observe/health: who leads and this instance's role, in the check's message (and as data with
     * {@code ?data=true}); a standby is as alive and ready as a leader.
     */
    AbstractHealthCheck healthCheck() {
        return new AbstractHealthCheck("dr", "leadership") {
            @Override
            protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
                builder.up();
                builder.message(leadership.currentTerm().map(term -> "leader " + term.instance() + " (" + term.apiUrl()
                        + ", term " + term.epoch() + " since " + term.since() + ")").orElse("no leader recorded yet")
                        + "; this instance " + leadership.instanceId() + " is " + leadership.role().id());
                builder.detail("engine", leadership.engine());
                builder.detail("instance", leadership.instanceId());
                builder.detail("role", leadership.role().id());
                leadership.currentTerm().ifPresent(term -> {
                    builder.detail("leader", term.instance());
                    builder.detail("leaderApiUrl", term.apiUrl());
                    builder.detail("epoch", term.epoch());
                    builder.detail("leaderSince", term.since().toString());
                });
            }
        };
    }

    private void leave() {
        heartbeat.shutdownNow();
        if (view != null) {
            view.removeEventListener(listener);
        }
        leadership.deposed("it is shutting down");
    }
}
