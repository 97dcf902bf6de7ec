package io.devflow.dr.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.cli.DrMain;
import io.devflow.dr.config.ClusterConfig;
import io.devflow.dr.config.ConfigLoader;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.DrillConfig;
import io.devflow.dr.config.ScheduleConfig;
import io.devflow.dr.config.ScheduleDefaults;
import io.devflow.dr.config.SecretResolver;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import org.junit.jupiter.api.Test;
import org.quartz.CronExpression;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The manifests of {@code k8s/}, read strictly into the fabric8 Kubernetes model, against the code they deploy: the
 * CronJobs fire when dr server's own schedules would, every {@code dr} argument vector parses with the real command
 * line, the configuration is mounted where {@code dr} reads it and loads, and every image is this build's.
 */
class ManifestsTest {

    static final String CONFIG_MAP = "devflow-dr-config";
    static final String CONFIG_KEY = "dr-config.json";

    /** Each CronJob, the dr server schedule (Quartz, the seed's defaults) it stands for, and the command it runs. */
    record Scheduled(String quartz, List<String> args) {
    }

    static final Map<String, Scheduled> CRON_JOBS = Map.of(
            "devflow-dr-backup-full", new Scheduled(ScheduleDefaults.FULL, List.of("backup", "--type", "full", "--store", "all")),
            "devflow-dr-backup-incremental", new Scheduled(ScheduleDefaults.INCREMENTAL,
                    List.of("backup", "--type", "incremental", "--store", "all")),
            "devflow-dr-backup-cleanup", new Scheduled(ScheduleDefaults.RETENTION, List.of("retention", "apply")),
            "devflow-dr-dr-test", new Scheduled(DrillConfig.FULL_TEST_SCHEDULE, List.of("test", "--type", "all")),
            "devflow-dr-restore-drill", new Scheduled(DrillConfig.RESTORE_DRILL_SCHEDULE, List.of("test", "--type", "backup")));

    final Manifests manifests = Manifests.load();

    @Test
    void shouldReadEveryManifestIntoTheKubernetesModel() {
        assertThat(manifests.all()).extracting(r -> r.getKind() + " " + r.getMetadata().getName()).containsExactlyInAnyOrder(
                "ServiceAccount devflow-dr", "Role devflow-dr-leader-election", "RoleBinding devflow-dr-leader-election",
                "ConfigMap devflow-dr-config", "Deployment devflow-dr", "Service devflow-dr",
                "PodDisruptionBudget devflow-dr", "NetworkPolicy devflow-dr", "ServiceMonitor devflow-dr",
                "CronJob devflow-dr-backup-full", "CronJob devflow-dr-backup-incremental", "CronJob devflow-dr-backup-cleanup",
                "CronJob devflow-dr-dr-test", "CronJob devflow-dr-restore-drill");
    }

    @Test
    void shouldRefuseAnUnknownFieldAnywhereInAManifest() {
        JsonNode cronJob = Manifests.documents(Manifests.DIRECTORY.resolve("backup-cronjobs.yaml")).get(0);

        ObjectNode misspelt = cronJob.deepCopy();
        ((ObjectNode) misspelt.path("spec")).put("concurrencyPolcy", "Forbid");
        assertThatThrownBy(() -> Manifests.read(misspelt, "test")).hasMessageContaining("concurrencyPolcy");

        ObjectNode deep = cronJob.deepCopy();
        ((ObjectNode) deep.at("/spec/jobTemplate/spec/template/spec/containers/0")).put("imagePullPolcy", "Always");
        assertThatThrownBy(() -> Manifests.read(deep, "test")).hasMessageContaining("imagePullPolcy");

        ObjectNode misplaced = cronJob.deepCopy();
        ((ObjectNode) misplaced.at("/spec/jobTemplate/spec")).put("timeZone", "Etc/UTC");
        assertThatThrownBy(() -> Manifests.read(misplaced, "test")).hasMessageContaining("timeZone");
    }

    @Test
    void shouldFireTheCronJobsWhenTheServersSchedulesWould() throws ParseException {
        Map<String, String> schedules = new LinkedHashMap<>();
        for (CronJob job : manifests.all(CronJob.class)) {
            schedules.put(job.getMetadata().getName(), job.getSpec().getSchedule());
            assertThat(job.getSpec().getTimeZone()).as(job.getMetadata().getName()).isEqualTo("Etc/UTC");
            assertThat(job.getSpec().getConcurrencyPolicy()).isEqualTo("Forbid");
            assertThat(job.getSpec().getSuccessfulJobsHistoryLimit()).isPositive();
            assertThat(job.getSpec().getFailedJobsHistoryLimit()).isPositive();
            assertThat(job.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
        }
        assertThat(schedules).containsOnlyKeys(CRON_JOBS.keySet());
        for (Map.Entry<String, String> job : schedules.entrySet()) {
            assertThat(firings(quartzOf(job.getValue()))).as(job.getKey() + ": " + job.getValue())
                    .isEqualTo(firings(CRON_JOBS.get(job.getKey()).quartz()));
        }
        // the seed: "Daily full backups at 2 AM UTC", "Hourly incremental backups"
        assertThat(schedules.get("devflow-dr-backup-full")).isEqualTo("0 2 * * *");
        assertThat(schedules.get("devflow-dr-backup-incremental")).isEqualTo("0 * * * *");
        assertThat(config().backup().schedule().timezone()).as("the server's schedules are in UTC too").isEqualTo("UTC");
    }

    @Test
    void shouldRunEveryArgumentVectorThroughTheRealCommandLine() {
        Map<String, List<String>> vectors = new LinkedHashMap<>();
        for (CronJob job : manifests.all(CronJob.class)) {
            vectors.put(job.getMetadata().getName(), container(podOf(job)).getArgs());
        }
        Deployment server = manifests.one(Deployment.class, "devflow-dr");
        vectors.put("devflow-dr", container(server.getSpec().getTemplate().getSpec()).getArgs());

        for (Map.Entry<String, List<String>> vector : vectors.entrySet()) {
            CommandLine.ParseResult parsed = commandLine().parseArgs(vector.getValue().toArray(String[]::new));
            assertThat(parsed.subcommand()).as(vector.getKey()).isNotNull();
            assertThat(parsed.subcommand().commandSpec().name()).isEqualTo(vector.getValue().get(0));
            assertThat(parsed.unmatched()).as(vector.getKey()).isEmpty();
        }
        assertThat(vectors.get("devflow-dr")).containsExactly("server");
        CRON_JOBS.forEach((name, scheduled) -> assertThat(vectors.get(name)).as(name).isEqualTo(scheduled.args()));
        assertThatThrownBy(() -> commandLine().parseArgs("backup", "--type", "full", "--store", "every"))
                .as("the parser refuses what the CLI refuses").isInstanceOf(CommandLine.ParameterException.class);
    }

    @Test
    void shouldMountTheConfigurationWhereDrReadsIt() {
        assertThat(commandLine().getCommandSpec().findOption("--config").description()[0])
                .as("dr reads $DR_CONFIG when --config is not given").contains("$DR_CONFIG");
        ConfigMap configMap = manifests.one(ConfigMap.class, CONFIG_MAP);
        assertThat(configMap.getData()).containsKey(CONFIG_KEY);

        for (PodSpec pod : pods()) {
            Container dr = container(pod);
            Path read = Path.of(configPath(dr));
            assertThat(read.isAbsolute()).as(read.toString()).isTrue();
            assertThat(read.getFileName().toString()).isEqualTo(CONFIG_KEY);
            VolumeMount mount = dr.getVolumeMounts().stream()
                    .filter(m -> Path.of(m.getMountPath()).equals(read.getParent())).findFirst()
                    .orElseThrow(() -> new AssertionError("nothing is mounted at " + read.getParent()));
            assertThat(mount.getReadOnly()).isTrue();
            Volume volume = volume(pod, mount.getName());
            assertThat(volume.getConfigMap()).as(mount.getName()).isNotNull();
            assertThat(volume.getConfigMap().getName()).isEqualTo(CONFIG_MAP);
            assertThat(volume.getConfigMap().getItems()).as("every key of the ConfigMap as a file of its name").isNullOrEmpty();
        }
    }

    @Test
    void shouldShipAConfigurationThatLoadsAndHandsTheSchedulesToTheCronJobs() {
        DrConfig config = config();

        assertThat(config.backup().schedule().runner()).as("the CronJobs run the schedules, so the server must not")
                .isEqualTo(ScheduleConfig.Runner.CRONJOBS);
        assertThat(config.cluster().engine()).isEqualTo(ClusterConfig.Engine.KUBERNETES);
        assertThat(config.cluster().instanceId()).as("camel-kubernetes needs the pod's name: the default").isEmpty();

        Container server = container(manifests.one(Deployment.class, "devflow-dr").getSpec().getTemplate().getSpec());
        assertThat(server.getPorts()).extracting(p -> p.getContainerPort()).containsExactly(config.api().port());
        assertThat(config.api().tlsEnabled()).isTrue();
        String text = manifests.one(ConfigMap.class, CONFIG_MAP).getData().get(CONFIG_KEY);
        Set<String> explicit = server.getEnv().stream().filter(e -> e.getValueFrom() != null
                && e.getValueFrom().getSecretKeyRef() != null).map(EnvVar::getName).collect(Collectors.toSet());
        Set<String> fromStoresSecret = new TreeSet<>(environmentNames(text));
        fromStoresSecret.removeAll(explicit);
        assertThat(explicit).contains("DR_API_TOKEN");
        assertThat(server.getEnvFrom()).anySatisfy(from -> assertThat(from.getSecretRef().getName()).isEqualTo("devflow-dr-stores"));
        assertThat(fromStoresSecret).allMatch(name -> name.matches("DR_(MONGODB_URL|REDIS_URL|REDIS_PASSWORD|INFLUXDB_PASSWORD)_.+"),
                "the names the devflow-dr-stores Secret holds (dr-server.yaml's header)");
    }

    @Test
    void shouldProbeTheHealthGroupsOnTheApiPort() {
        PodSpec pod = manifests.one(Deployment.class, "devflow-dr").getSpec().getTemplate().getSpec();
        Container server = container(pod);
        Map<String, Probe> probes = new LinkedHashMap<>();
        probes.put("startup", server.getStartupProbe());
        probes.put("liveness", server.getLivenessProbe());
        probes.put("readiness", server.getReadinessProbe());
        assertThat(probes.values()).doesNotContainNull();
        assertThat(probes.get("liveness").getHttpGet().getPath()).isEqualTo(DeploymentProbesIT.LIVE);
        assertThat(probes.get("readiness").getHttpGet().getPath()).isEqualTo(DeploymentProbesIT.READY);
        probes.forEach((kind, probe) -> {
            assertThat(probe.getHttpGet().getPort().getStrVal()).as(kind).isEqualTo("api");
            assertThat(probe.getHttpGet().getScheme()).as(kind + ": the API listens with TLS").isEqualTo("HTTPS");
        });
        assertThat(server.getPorts()).anySatisfy(p -> assertThat(p.getName()).isEqualTo("api"));
    }

    @Test
    void shouldRunTwoElectingReplicasBehindTheService() {
        Deployment deployment = manifests.one(Deployment.class, "devflow-dr");
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(podLabels).containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());

        RoleBinding binding = manifests.one(RoleBinding.class, "devflow-dr-leader-election");
        assertThat(binding.getRoleRef().getName()).isEqualTo("devflow-dr-leader-election");
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo(deployment.getSpec().getTemplate().getSpec().getServiceAccountName());
        });

        Service service = manifests.one(Service.class, "devflow-dr");
        assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
        assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("api");
            assertThat(p.getTargetPort().getStrVal()).isEqualTo("api");
        });

        PodDisruptionBudget budget = manifests.one(PodDisruptionBudget.class, "devflow-dr");
        assertThat(podLabels).containsAllEntriesOf(budget.getSpec().getSelector().getMatchLabels());
        assertThat(budget.getSpec().getMinAvailable().getIntVal()).isBetween(1, deployment.getSpec().getReplicas() - 1);

        NetworkPolicy policy = manifests.one(NetworkPolicy.class, "devflow-dr");
        Map<String, String> selected = policy.getSpec().getPodSelector().getMatchLabels();
        assertThat(podLabels).containsAllEntriesOf(selected);
        assertThat(manifests.all(CronJob.class)).allSatisfy(job -> assertThat(
                job.getSpec().getJobTemplate().getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(selected));
        assertThat(policy.getSpec().getIngress()).singleElement().satisfies(in -> {
            assertThat(in.getFrom()).isNullOrEmpty();
            assertThat(in.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort().getIntVal())
                    .isEqualTo(config().api().port()));
        });
    }

    @Test
    void shouldScrapeTheServersMetrics() {
        GenericKubernetesResource monitor = manifests.custom("ServiceMonitor", "devflow-dr");
        Service service = manifests.one(Service.class, "devflow-dr");
        Map<String, Object> spec = monitor.get("spec");

        assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(monitor.get("spec", "selector", "matchLabels"));
        List<Map<String, Object>> endpoints = monitor.get("spec", "endpoints");
        assertThat(endpoints).singleElement().satisfies(endpoint -> {
            assertThat(endpoint).containsEntry("port", "api").containsEntry("path", "/observe/metrics")
                    .containsEntry("scheme", "https");
            assertThat(endpoint.keySet()).isSubsetOf("port", "path", "scheme", "interval", "tlsConfig");
        });
        assertThat(spec.keySet()).containsExactlyInAnyOrder("selector", "endpoints");
    }

    @Test
    void shouldUseThisBuildsImageEverywhere() throws Exception {
        String version = pomVersion();
        List<String> images = new ArrayList<>();
        pods().forEach(pod -> pod.getContainers().forEach(c -> {
            images.add(c.getImage());
            assertThat(c.getCommand()).as("the image's entrypoint, bin/dr's java command, runs dr").isNullOrEmpty();
            assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
            assertThat(c.getResources().getLimits()).containsKeys("cpu", "memory");
        }));
        assertThat(images).hasSize(CRON_JOBS.size() + 1).containsOnly("devflow-dr:" + version);

        JsonNode kustomization = Manifests.YAML.readTree(Manifests.DIRECTORY.resolve("kustomization.yaml").toFile());
        assertThat(kustomization.path("images")).singleElement().satisfies(image -> {
            assertThat(image.path("name").asText()).isEqualTo("devflow-dr");
            assertThat(image.path("newTag").asText()).isEqualTo(version);
        });
        List<String> resources = new ArrayList<>();
        kustomization.path("resources").forEach(r -> resources.add(r.asText()));
        assertThat(resources).containsExactlyInAnyOrderElementsOf(
                Manifests.files().stream().map(f -> f.getFileName().toString()).toList());

        String pom = Files.readString(Path.of("pom.xml"));
        assertThat(pom).contains("<artifactId>jib-maven-plugin</artifactId>").contains("<image>devflow-dr:${project.version}</image>");
    }

    private DrConfig config() {
        String text = manifests.one(ConfigMap.class, CONFIG_MAP).getData().get(CONFIG_KEY);
        Map<String, String> environment = environmentNames(text).stream()
                .collect(Collectors.toMap(n -> n, n -> "placeholder-" + n.toLowerCase(java.util.Locale.ROOT)));
        return new ConfigLoader(SecretResolver.of(environment)).parse(text, Path.of("/etc/devflow-dr/config", CONFIG_KEY));
    }

    private static Set<String> environmentNames(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("\\$\\{env:([A-Za-z0-9_]+)}").matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private List<PodSpec> pods() {
        List<PodSpec> pods = new ArrayList<>(manifests.all(CronJob.class).stream().map(ManifestsTest::podOf).toList());
        pods.add(manifests.one(Deployment.class, "devflow-dr").getSpec().getTemplate().getSpec());
        return pods;
    }

    private static PodSpec podOf(CronJob job) {
        return job.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
    }

    private static Container container(PodSpec pod) {
        assertThat(pod.getContainers()).hasSize(1);
        return pod.getContainers().get(0);
    }

    private static Volume volume(PodSpec pod, String name) {
        return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    /** Where dr reads its configuration in this container: --config, else $DR_CONFIG. */
    private static String configPath(Container dr) {
        List<String> args = dr.getArgs();
        int option = args.indexOf("--config");
        if (option >= 0) {
            return args.get(option + 1);
        }
        return dr.getEnv().stream().filter(e -> e.getName().equals("DR_CONFIG")).map(EnvVar::getValue).findFirst()
                .orElseThrow(() -> new AssertionError(dr.getName() + " sets neither --config nor DR_CONFIG"));
    }

    private static CommandLine commandLine() {
        PrintWriter discard = new PrintWriter(new StringWriter());
        return DrMain.commandLine(SecretResolver.of(Map.of()), discard, discard);
    }

    /** A CronJob schedule as Quartz reads it: seconds first, one of the day fields '?', Sunday 1. */
    static String quartzOf(String cron) {
        String[] f = cron.trim().split("\\s+");
        assertThat(f).as(cron).hasSize(5);
        if (f[4].equals("*")) {
            return "0 " + f[0] + " " + f[1] + " " + f[2] + " " + f[3] + " ?";
        }
        assertThat(f[2]).as("day of month and day of week both set: " + cron).isEqualTo("*");
        assertThat(f[4]).as("a single day of the week: " + cron).matches("[0-7]");
        return "0 " + f[0] + " " + f[1] + " ? " + f[3] + " " + (Integer.parseInt(f[4]) % 7 + 1);
    }

    /** The next 400 firings, in UTC, from a fixed instant. */
    private static List<Date> firings(String quartz) throws ParseException {
        CronExpression expression = new CronExpression(quartz);
        expression.setTimeZone(TimeZone.getTimeZone("UTC"));
        List<Date> firings = new ArrayList<>();
        Date next = Date.from(java.time.Instant.parse("2026-01-01T00:00:00Z"));
        for (int i = 0; i < 400; i++) {
            next = expression.getNextValidTimeAfter(next);
            firings.add(next);
        }
        return firings;
    }

    private static String pomVersion() throws Exception {
        org.w3c.dom.Document pom = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(Path.of("pom.xml").toFile());
        return javax.xml.xpath.XPathFactory.newInstance().newXPath().evaluate("/project/version", pom);
    }
}
