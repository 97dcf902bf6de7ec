package io.devflow.dr.app;

import io.devflow.dr.alert.AlertBook;
import io.devflow.dr.alert.AlertRules;
import io.devflow.dr.alert.AlertSources;
import io.devflow.dr.alert.Alerts;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.config.AlertsConfig;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.drill.DrillResult;
import io.devflow.dr.drill.DrillType;
import io.devflow.dr.drill.RecoveryObjectives;
import io.devflow.dr.replication.ReplicationReport;
import io.devflow.dr.replication.ReplicationReports;
import io.devflow.dr.replication.ReplicationService;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The service's own alerts, built on the object graph: the rules read what {@link DrServices} already computes. */
final class AlertParts {

    private AlertParts() {
    }

    static Alerts of(DrServices services) {
        AlertsConfig config = services.config().notifications().alerts();
        AlertRules rules = new AlertRules(config, services.config().replication().map(ReplicationConfig::health),
                new ServiceSources(services), services.clock());
        return new Alerts(rules, new AlertBook(config.repeatEvery()), services.state(), services::mayActAsLeader,
                services.leadership().instanceId(), services.meterRegistry(), services.clock());
    }

    private record ServiceSources(DrServices services) implements AlertSources {

        @Override
        public String activeRegion() {
            return region().value();
        }

        @Override
        public List<StoreKind> stores() {
            return Arrays.stream(StoreKind.values()).filter(s -> services.regions().get(region()).config().has(s)).toList();
        }

        @Override
        public List<BackupRecord> backups(StoreKind store) {
            return services.catalog().all(store, services.regions().get(region()));
        }

        @Override
        public List<RecoveryObjectives.StoreObjectives> objectives() {
            return services.drills().objectives().all();
        }

        @Override
        public Optional<ReplicationReport> replication() {
            Optional<ReplicationService> replication = services.replication();
            if (replication.isEmpty()) {
                return Optional.empty();
            }
            return Arrays.stream(StoreKind.values()).anyMatch(replication.get()::isRunning)
                    ? Optional.of(replication.get().report()) : ReplicationReports.published(services.state());
        }

        @Override
        public List<Conflict> openConflicts() {
            return services.replication().map(ReplicationService::openConflicts).orElse(List.of());
        }

        @Override
        public Optional<DrillResult> newestDrill(DrillType type) {
            return services.drills().records().newest(1, Optional.of(type)).stream().findFirst();
        }

        private RegionId region() {
            return services.activeRegions().current().region();
        }
    }
}
