package io.devflow.dr.app;

import com.influxdb.client.InfluxDBClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.devflow.dr.api.ApiErrors;
import io.devflow.dr.api.ApiJson;
import io.devflow.dr.api.ApiSecurity;
import io.devflow.dr.api.AuditApi;
import io.devflow.dr.api.BackupApi;
import io.devflow.dr.api.FailoverApi;
import io.devflow.dr.api.OperationsApi;
import io.devflow.dr.api.ReplicationApi;
import io.devflow.dr.api.TestsApi;
import io.devflow.dr.api.VerifyApi;
import io.devflow.dr.backup.BackupAudit;
import io.devflow.dr.backup.ScheduledBackups;
import io.devflow.dr.config.ConfigException;
import io.devflow.dr.config.NotificationsConfig;
import io.devflow.dr.config.RedisConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.RetryConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.notify.NoticeFormats;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.retention.RetentionAudit;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.LoggingLevel;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.mail.MailAuthenticator;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.spi.LifecycleStrategy;
import org.apache.camel.spi.EventNotifier;
import org.influxdb.InfluxDB;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.data.redis.serializer.StringRedisSerializer;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * Every bean the YAML routes refer to, by the name they use: the one place where the application graph
 * meets Camel's registry. Beans are bound as suppliers, so a region's clients are only built when a route
 * first needs them (a region that is down does not stop the others from starting).
 */
public final class DrBeans {

    /** A named bean for the registry. */
    public record Bean(String name, Class<?> type, Supplier<Object> supplier) {
    }

    private DrBeans() {
    }

    public static List<Bean> of(DrServices services, DrRuntime.Mode mode) {
        List<Bean> beans = new ArrayList<>();
        beans.add(bean(MicrometerConstants.METRICS_REGISTRY_NAME, MeterRegistry.class, services.meterRegistry()));
        beans.add(bean("backupPipeline", services.pipeline()));
        beans.add(bean("backupFailures", services.failures()));
        beans.add(bean("backupAudit", new BackupAudit(services.audit())));
        beans.add(bean("scheduledBackups", new ScheduledBackups(services.config(), services.stores(), services.catalog(),
                services.regions(), services.running(), services.clock(), services::mayActAsLeader,
                services.activeRegions()::current)));
        beans.add(bean("retentionService", services.retention()));
        beans.add(bean("conflictRetention", services.conflictRetention()));
        beans.add(bean("retentionAudit", new RetentionAudit(services.audit())));
        beans.add(bean("notifications", services.notifications()));
        beans.add(bean("noticeFormats", new NoticeFormats()));
        // the mail route is loaded in every mode, so its endpoint's beans exist even when no mail is configured
        Optional<NotificationsConfig.Email> email = services.config().notifications().email();
        beans.add(bean("notifyMailLogin", MailAuthenticator.class, NotifyMail.login(email)));
        beans.add(bean("notifyMailProperties", Properties.class, NotifyMail.properties(email, DrRuntime.NOTIFY_TIMEOUT)));
        beans.add(bean("backupRedeliveryPolicy", RedeliveryPolicy.class, redelivery(services.config().backup().retry())));
        for (RegionContext region : services.regions().all()) {
            beans.add(new Bean(s3ClientName(region), S3Client.class, region::s3));
            String id = region.id().value();
            region.config().redis().ifPresent(redis -> beans.add(new Bean("redis-" + id, RedisTemplate.class,
                    () -> StoreClients.redisTemplate(redis, services))));
            region.config().influxdb().ifPresent(influx -> {
                if (influx.version() == 2) {
                    beans.add(new Bean("influxdb2-" + id, InfluxDBClient.class, () -> StoreClients.influxV2(influx, services)));
                } else {
                    beans.add(new Bean("influxdb-" + id, InfluxDB.class, () -> StoreClients.influxV1(influx, services)));
                }
            });
        }
        services.replication().ifPresent(replication -> {
            beans.add(bean("replication", replication));
            for (StoreKind store : StoreKind.values()) {
                replication.replication(store).ifPresent(steps -> beans.add(bean(replicationBeanName(store), steps)));
            }
            replication.replication(StoreKind.REDIS).ifPresent(redis -> {
                // every replicated region's Redis is subscribed to: the active one is the source
                for (RegionId region : replication.regions()) {
                    RedisConfig server = services.regions().get(region).config().requireRedis();
                    beans.add(new Bean(keyspaceListenerName(region), RedisMessageListenerContainer.class,
                            () -> StoreClients.listenerContainer(region.value(), server, services)));
                }
                beans.add(bean("redisKeyspaceSerializer", RedisSerializer.class, new StringRedisSerializer()));
            });
            beans.add(bean("replicationRoutes", new ReplicationRoutes(replication, services.replicationControl().orElseThrow(),
                    services::mayActAsLeader)));
        });
        if (mode != DrRuntime.Mode.ONE_SHOT) {
            beans.addAll(FailoverBeans.of(services));
            beans.add(bean("healthMonitor", services.health()));
            beans.add(bean("drillSuite", services.drills().suite()));
            beans.add(bean("recoveryObjectives", services.drills().objectives()));
            beans.add(bean("latestDrills", services.drills().latest()));
            beans.add(bean("leadership", services.leadership()));
            // camel-main adds the cluster service to the context and the election as an event notifier
            CamelClusterService cluster = LeaderElection.service(services.config().cluster(),
                    services.leadership().instanceId());
            beans.add(bean("clusterService", CamelClusterService.class, cluster));
            beans.add(bean("leaderElection", EventNotifier.class, new LeaderElection(services, cluster)));
        }
        if (mode == DrRuntime.Mode.SERVER) {
            beans.add(bean("backupApi", new BackupApi(services.config(), services.pipeline(), services.catalog(),
                    services.running(), () -> services.activeRegions().current().region())));
            if (services.config().api().tokens().isEmpty()) {
                throw ConfigException.general("disasterRecovery.api.token: required to start the HTTP API; set it to "
                        + "${env:DR_API_TOKEN}, or list named tokens with their roles in disasterRecovery.api.tokens");
            }
            ApiSecurity security = new ApiSecurity(services.config().api().tokens());
            ApiErrors errors = new ApiErrors();
            beans.add(bean("apiSecurity", security));
            beans.add(bean("apiErrors", errors));
            beans.add(bean("apiGate", LifecycleStrategy.class, new ApiGate(security, errors, services.config().api())));
            beans.add(bean("apiJson", ObjectMapper.class, ApiJson.MAPPER));
            beans.add(bean("apiHeaders", HeaderFilterStrategy.class, new ApiHeaderFilter()));
            beans.add(bean("operationsApi", new OperationsApi(new RetentionAudit(services.audit()))));
            beans.add(bean("auditApi", new AuditApi(services.audit())));
            beans.add(bean("verifyApi", new VerifyApi(services.verifyService(), services.audit(), services.clock())));
            beans.add(bean("replicationApi", new ReplicationApi(services.replication(), services.replicationControl(),
                    services.systemStatus())));
            beans.add(bean("failoverApi", new FailoverApi(services.config(), services.failovers())));
            beans.add(bean("testsApi", new TestsApi(services.drills().suite(), services.drills().records())));
            beans.add(bean("alerts", AlertParts.of(services)));
        }
        return beans;
    }

    /** The registry name of the listener container the keyspace route of a region subscribes through. */
    public static String keyspaceListenerName(RegionId region) {
        return "redisKeyspaceListener-" + region.value();
    }

    /** The registry name of a store's replication, as the worker route template refers to it ({{store}}Replication). */
    public static String replicationBeanName(StoreKind store) {
        return store.id() + "Replication";
    }

    /** The registry name of a region's S3 client, as the aws2-s3 endpoints of the routes refer to it. */
    public static String s3ClientName(RegionContext region) {
        return "s3-" + region.id().value();
    }

    /** Redelivery of a whole backup attempt: exponential backoff, logged as one line per retry. */
    static RedeliveryPolicy redelivery(RetryConfig retry) {
        RedeliveryPolicy policy = new RedeliveryPolicy();
        policy.setMaximumRedeliveries(retry.maxRedeliveries());
        policy.setRedeliveryDelay(retry.initialDelay().toMillis());
        policy.setMaximumRedeliveryDelay(retry.maxDelay().toMillis());
        policy.setUseExponentialBackOff(true);
        policy.setBackOffMultiplier(2);
        policy.setRetryAttemptedLogLevel(LoggingLevel.WARN);
        policy.setLogRetryAttempted(true);
        policy.setLogStackTrace(false);
        policy.setLogRetryStackTrace(false);
        policy.setLogExhausted(false);
        return policy;
    }

    private static Bean bean(String name, Object instance) {
        return bean(name, instance.getClass(), instance);
    }

    private static Bean bean(String name, Class<?> type, Object instance) {
        return new Bean(name, type, () -> instance);
    }
}
