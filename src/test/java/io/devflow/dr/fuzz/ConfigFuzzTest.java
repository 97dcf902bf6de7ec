package io.devflow.dr.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.ConfigException;
import io.devflow.dr.config.ConfigLoader;
import io.devflow.dr.config.ConfigProblem;
import io.devflow.dr.config.SecretResolver;
import io.devflow.dr.crypto.LocalKeyring;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.TestConfigs;
import io.devflow.dr.testing.TestEnvironment;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any configuration text, valid ones mutated (every block, recovery.failover, cluster and notifications among them,
 * and the seed guide's quick start read as the single-region shorthand) or random JSON, is read into a configuration or refused with problems that each name a JSON path of the input (or
 * a key missing under one) and say what is wrong; {@code dr config validate} answers any configuration file with exit
 * code 0 or 2, one message and no stack trace, and never shows a secret, whether written into the file or read from
 * the environment or a file.
 */
class ConfigFuzzTest {

    private static final Path SOURCE = Path.of("fuzz-config.json");
    /** Values of secrets: never to be shown, whatever is wrong with the configuration. */
    private static final String ENV_SECRET = "ENV-SECRET-" + HexFormat.of().formatHex(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    private static final String MASTER_KEY = Base64.getEncoder().encodeToString(new byte[32]).replace('A', 'Q');
    private static final String FILE_SECRET = "FILE-SECRET-0123456789abcdef0123456789abcdef";
    private static final Map<String, String> ENVIRONMENT = Map.of("FUZZ_SECRET", ENV_SECRET, "FUZZ_MASTER_KEY", MASTER_KEY,
            "FUZZ_BLANK", " ");
    /** Keys whose values are secrets; a {@code url} only in its password. */
    private static final Set<String> SECRET_KEYS = Set.of("password", "token", "secretAccessKey", "accessKeyId",
            "masterKey", "username", "key");
    private static final Pattern URL_PASSWORD = Pattern.compile("://[^:/@]*:([^@/]+)@");
    private static final Pattern KNOWN_KEYS = Pattern.compile("[A-Za-z][A-Za-z0-9]*(\\.[A-Za-z][A-Za-z0-9]*)?");

    private static final Duration CASE_LIMIT = Duration.ofSeconds(20);

    private static Path dir;
    private static Path secretFile;
    private static List<JsonNode> valid;
    private static ConfigLoader loader;

    @BeforeContainer
    static void writeSecretsAndSeeds() throws Exception {
        dir = Cases.scratch("config-fuzz");
        secretFile = TestEnvironment.tokenFile(dir, FILE_SECRET);
        Path keyring = dir.resolve("keyring.json");
        LocalKeyring.create(keyring, Clock.systemUTC());
        valid = List.of(Json.MAPPER.readTree(Files.readString(Path.of("config/dr-config.example.json"))),
                TestConfigs.minimal(), Json.MAPPER.readTree(rich(keyring)), Json.MAPPER.readTree(failover(keyring)),
                seedQuickStart(keyring));
        loader = new ConfigLoader(SecretResolver.of(ENVIRONMENT));
    }

    @AfterContainer
    static void deleteScratch() throws Exception {
        Cases.delete(dir);
    }

    @Property
    void shouldReadAnyConfigurationIntoAConfigOrProblemsNamingPathsOfTheInput(@ForAll("configurations") ParseCase c)
            throws Exception {
        Cases.within(CASE_LIMIT, c, () -> {
            try {
                loader.parse(c.document().text(), SOURCE);
            } catch (ConfigException e) {
                assertThat(e.getMessage()).isNotBlank();
                assertNamesPathsOfTheInput(e.problems(), c.document().tree());
                assertShowsNoSecret(e.getMessage(), c.document().tree());
            }
        });
    }

    @Property
    void shouldValidateAnyConfigurationFileWithExitCodeZeroOrTwoAndOneMessage(@ForAll("configurationFiles") FileCase c)
            throws Exception {
        Cases.within(CASE_LIMIT, c, () -> {
            Path file = Files.write(dir.resolve("dr-config.json"), c.bytes());
            DrRun run = DrRun.of(ENVIRONMENT, c.args(file));
            String shown = run.out() + "\n" + run.err();
            assertThat(run.code()).as(run.toString()).isIn(0, 2);
            assertThat(shown).as(run.toString()).doesNotContain("\tat ", "Caused by:", "Exception in thread");
            assertThat(shown).as("a class name in the output").doesNotContainPattern("\\b(java|javax|io\\.devflow|com\\.fasterxml|picocli)\\.[a-z]");
            assertShowsNoSecret(shown, c.document().tree());
            if (run.code() == 0) {
                assertThat(run.err()).as(run.toString()).isEmpty();
            } else {
                assertThat(run.errIsOneMessage()).as("one message on standard error\n" + run).isTrue();
            }
            if (c.json()) {
                JsonNode answer = Json.MAPPER.readTree(run.out());
                assertThat(answer.path("valid").asBoolean()).as(run.toString()).isEqualTo(run.code() == 0);
            }
        });
    }

    @Provide
    Arbitrary<ParseCase> configurations() {
        return Arbitraries.randomValue(random -> new ParseCase(document(random)));
    }

    @Provide
    Arbitrary<FileCase> configurationFiles() {
        return Arbitraries.randomValue(random -> new FileCase(document(random), encoding(random), random.nextBoolean()));
    }

    /** Configuration text to parse; shown as the Java that parses it. */
    record ParseCase(JsonFuzz.Document document) {

        @Override
        public String toString() {
            return "// " + document.made() + "\nnew ConfigLoader(SecretResolver.of(Map.of())).parse("
                    + Cases.javaText(document.text()) + ", Path.of(\"fuzz-config.json\"));";
        }
    }

    /** A configuration file as bytes: UTF-8, or damaged into what UTF-8 cannot read. */
    record FileCase(JsonFuzz.Document document, String encoding, boolean json) {

        byte[] bytes() {
            byte[] utf8 = document.text().getBytes(StandardCharsets.UTF_8);
            return switch (encoding) {
                case "UTF-16" -> document.text().getBytes(StandardCharsets.UTF_16);
                case "Latin-1" -> document.text().replace("\"disasterRecovery\"", "\"disasterRecovery\u00e9\"")
                        .getBytes(StandardCharsets.ISO_8859_1);
                case "stray bytes" -> {
                    byte[] damaged = new byte[utf8.length + 2];
                    int at = utf8.length / 2;
                    System.arraycopy(utf8, 0, damaged, 0, at);
                    damaged[at] = (byte) 0xC3;
                    damaged[at + 1] = (byte) 0x28;
                    System.arraycopy(utf8, at, damaged, at + 2, utf8.length - at);
                    yield damaged;
                }
                default -> utf8;
            };
        }

        String[] args(Path file) {
            return json ? new String[] {"--config", file.toString(), "config", "validate", "--output", "json"}
                    : new String[] {"--config", file.toString(), "config", "validate"};
        }

        @Override
        public String toString() {
            return "// " + document.made() + ", written as " + encoding + "\nFiles.write(file, (" + Cases.javaText(document.text())
                    + ").getBytes(/* " + encoding + " */));\nCliRun.of(\"--config\", file.toString(), \"config\", \"validate\""
                    + (json ? ", \"--output\", \"json\"" : "") + ");";
        }
    }

    private static String encoding(Random random) {
        return random.nextInt(10) == 0 ? Cases.oneOf(random, "UTF-16", "Latin-1", "stray bytes") : "UTF-8";
    }

    private JsonFuzz.Document document(Random random) {
        return JsonFuzz.document(random, valid, this::oddString);
    }

    /** Odd text, secret references that are malformed or point nowhere among it. */
    private String oddString(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> Cases.oneOf(random, "${env:FUZZ_SECRET}", "${env:FUZZ_UNSET}", "${env:FUZZ_BLANK}", "${env:}",
                    "${env:A", "${", "$", "${env:FUZZ_SECRET}${env:FUZZ_SECRET}", "x${env:FUZZ_SECRET}",
                    "$${env:FUZZ_SECRET}", " ${env:FUZZ_SECRET} ", "${ENV:FUZZ_SECRET}", "${vault:secret/dr}",
                    "${env:\u0000}", "${env: FUZZ_SECRET }", "${file:}", "${file:/nonexistent/fuzz-secret}",
                    "${file:relative/secret}", "${file:" + secretFile + "}", "${file:" + dir + "}", "${file:/dev/null}",
                    "${file:/dev/zero}", "${file:/tmp/a\u0000b}", "${file:" + "a/".repeat(3_000) + "}",
                    "${file:" + secretFile + "}x", "${file:~/secret}", "${file:%2Fetc%2Fshadow}");
            case 1 -> Cases.oneOf(random, "x", "é", "\u0000", "ab").repeat(1 + random.nextInt(
                    random.nextInt(10) == 0 ? 100_000 : 300));
            default -> Cases.oneOf(random, JsonFuzz.ODD_STRINGS);
        };
    }

    /**
     * Every problem names a path of the input, or a key (at most two levels) missing under one of its objects, and
     * says what is wrong.
     */
    private static void assertNamesPathsOfTheInput(List<ConfigProblem> problems, JsonNode input) {
        List<String> paths = new ArrayList<>();
        List<String> objects = new ArrayList<>();
        if (input != null) {
            JsonFuzz.paths(input, "", paths, objects);
        }
        for (ConfigProblem problem : problems) {
            assertThat(problem.message()).as(problem.toString()).isNotBlank();
            String path = problem.path();
            boolean named = paths.contains(path) || objects.stream().anyMatch(parent -> {
                String rest = parent.isEmpty() ? path : path.startsWith(parent + ".") ? path.substring(parent.length() + 1) : null;
                return rest != null && KNOWN_KEYS.matcher(rest).matches();
            });
            assertThat(named).as("%s: the path is not in the input nor a key missing under it", problem).isTrue();
        }
    }

    /** Neither a resolved secret nor a secret written into the input shows up in what the user is told. */
    private static void assertShowsNoSecret(String shown, JsonNode input) {
        assertThat(shown).doesNotContain(ENV_SECRET, MASTER_KEY, FILE_SECRET);
        List<String> written = new ArrayList<>();
        if (input != null) {
            secretsWritten(input, written);
        }
        for (String secret : written) {
            assertThat(shown).as("shows the secret %s", secret).doesNotContain(secret);
        }
    }

    private static void secretsWritten(JsonNode node, List<String> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode value = field.getValue();
                if (value.isTextual() && value.asText().contains("LIT-SECRET")) {
                    Matcher password = URL_PASSWORD.matcher(value.asText());
                    if (field.getKey().equals("url") && value.asText().startsWith("https://hooks.example/")) {
                        out.add(value.asText());
                    } else if (field.getKey().equals("url") && password.find()) {
                        out.add(password.group(1));
                    } else if (SECRET_KEYS.contains(field.getKey())) {
                        out.add(value.asText());
                    }
                }
                secretsWritten(value, out);
            }
        } else if (node.isArray()) {
            node.forEach(item -> secretsWritten(item, out));
        }
    }

    /** Every block of the configuration, with secrets written in, read from the environment and from files. */
    private static String rich(Path keyring) {
        return """
                {
                  "disasterRecovery": {
                    "deploymentId": "devflow-fuzz",
                    "regions": {
                      "us-east-1": {
                        "role": "primary",
                        "mongodb": {"url": "mongodb://app:LIT-SECRET-mongo@db-east:27017/?tls=true", "databases": ["devflow"],
                                    "serverSelectionTimeoutMs": 2000, "connectTimeoutMs": 1000, "socketTimeoutMs": 5000},
                        "redis": {"url": "redis://:LIT-SECRET-redis-url@redis-east:6379", "databases": [0, 3],
                                  "password": "LIT-SECRET-redis", "timeoutMs": 1000},
                        "influxdb": {"url": "http://influx-east:8086", "version": 2, "databases": ["metrics"],
                                     "token": "${env:FUZZ_SECRET}", "org": "devflow", "buckets": {"metrics": "metrics/autogen"}},
                        "storage": {"type": "s3", "bucket": "devflow-dr-east", "region": "us-east-1",
                                    "endpoint": "http://127.0.0.1:9000", "prefix": "dr", "pathStyleAccess": true,
                                    "credentials": {"accessKeyId": "${file:SECRET_FILE}", "secretAccessKey": "LIT-SECRET-s3"}}
                      },
                      "us-west-2": {
                        "role": "secondary",
                        "mongodb": {"url": "${env:FUZZ_SECRET}", "database": "devflow"},
                        "influxdb": {"url": "http://influx-west:8086", "databases": ["metrics"], "username": "dr",
                                     "password": "LIT-SECRET-influx"},
                        "storage": {"bucket": "devflow-dr-west", "region": "us-west-2"}
                      }
                    },
                    "backup": {
                      "encryption": {"enabled": true, "provider": "local", "keyFile": "KEYRING"},
                      "retention": {"daily": 7, "weekly": 4, "monthly": 12},
                      "schedule": {"full": "0 0 2 * * ?", "incremental": "0 0 * * * ?", "retention": "0 0 3 ? * SUN", "timezone": "UTC"},
                      "verify": "quick", "partSizeMiB": 8, "compressionLevel": 5,
                      "retry": {"maxRedeliveries": 2, "initialDelayMs": 100, "maxDelayMs": 1000},
                      "incremental": {"segmentMinutes": 30, "captureWorker": false}
                    },
                    "recovery": {"rto": 60, "rpo": 15, "autoFailover": false,
                                 "failover": {"routing": {"file": {"path": "/run/dr/active.json"}}, "drainTimeoutSeconds": 60}},
                    "cluster": {"engine": "kubernetes", "instanceId": "pod-1",
                                "kubernetes": {"namespace": "dr", "leaseName": "devflow-dr", "leaseDurationMs": 15000,
                                               "renewDeadlineMs": 10000, "retryPeriodMs": 2000}},
                    "notifications": {"webhook": {"url": "${env:FUZZ_SECRET}"}},
                    "replication": {
                      "enabled": true, "source": "us-east-1", "targets": ["us-west-2"], "stores": ["mongodb", "influxdb"],
                      "conflictResolution": {"strategy": "timestamp-based", "timestampField": "updatedAt"},
                      "health": {"degradedLagSeconds": 30, "failedLagSeconds": 120},
                      "checkpointIntervalSeconds": 2,
                      "mongodb": {"metadataDatabase": "devflow_dr", "batchSize": 100},
                      "influxdb": {"windowSeconds": 5, "overlapSeconds": 30}
                    },
                    "api": {
                      "host": "127.0.0.1", "port": 8081, "allowedHosts": ["dr.internal"],
                      "tokens": [{"name": "oncall", "role": "admin", "token": "${file:SECRET_FILE}"},
                                 {"name": "grafana", "role": "viewer", "token": "${env:FUZZ_SECRET}"}]
                    }
                  }
                }
                """.replace("SECRET_FILE", secretFile.toString()).replace("KEYRING", keyring.toString());
    }

    /**
     * The seed guide's quick start as written there (the single-region shorthand), with what it leaves out (a
     * deployment id, the encryption key) and secrets written into its MongoDB URL and storage credentials.
     */
    private static JsonNode seedQuickStart(Path keyring) throws Exception {
        ObjectNode root = (ObjectNode) Json.MAPPER.readTree(ConfigFuzzTest.class.getResource("/seed/quick-start-config.json"));
        ObjectNode dr = (ObjectNode) root.get("disasterRecovery");
        dr.put("deploymentId", "devflow-fuzz");
        ObjectNode backup = (ObjectNode) dr.get("backup");
        backup.putObject("encryption").put("enabled", true).put("provider", "local").put("keyFile", keyring.toString());
        ((ObjectNode) backup.get("mongodb")).put("url", "mongodb://app:LIT-SECRET-seed-mongo@mongodb:27017");
        ((ObjectNode) backup.get("storage").get("config")).putObject("credentials")
                .put("accessKeyId", "${env:FUZZ_SECRET}").put("secretAccessKey", "LIT-SECRET-seed-s3");
        return root;
    }

    /**
     * The blocks of leader election, failover and notifications: a ZooKeeper cluster, every failover setting, a
     * webhook (its URL is a secret as a whole) and mail.
     */
    private static String failover(Path keyring) {
        return """
                {
                  "disasterRecovery": {
                    "deploymentId": "devflow-fuzz",
                    "regions": {
                      "us-east-1": {"role": "primary", "mongodb": {"url": "mongodb://db-east:27017", "databases": ["devflow"]},
                                    "storage": {"bucket": "devflow-dr-east", "region": "us-east-1"}},
                      "us-west-2": {"role": "secondary", "mongodb": {"url": "mongodb://db-west:27017", "databases": ["devflow"]},
                                    "storage": {"bucket": "devflow-dr-west", "region": "us-west-2"}}
                    },
                    "backup": {"encryption": {"provider": "local", "keyFile": "KEYRING"}},
                    "recovery": {
                      "rto": 30, "rpo": 5, "autoFailover": true,
                      "failover": {
                        "routing": {"provider": "file", "file": {"path": "active-region.json"}},
                        "fencing": {"redis": {"pauseSeconds": 20},
                                    "mongodb": {"hook": {"command": ["/usr/local/bin/fence-mongo", "--now"], "timeoutSeconds": 5}},
                                    "influxdb": {"hook": {"url": "https://ops.example/fence/influx"}}},
                        "smokeUrls": ["https://app.example/health", "http://app.internal:8080/ready"],
                        "drainTimeoutSeconds": 12,
                        "automatic": {"failedChecks": 4, "checkIntervalSeconds": 5, "cooldownMinutes": 60,
                                      "healthUrls": ["http://app.internal/ready"]}
                      }
                    },
                    "cluster": {"engine": "zookeeper", "instanceId": "east-a", "advertisedUrl": "https://east-a.internal:8443",
                                "confirmWithinSeconds": 5,
                                "zookeeper": {"connect": "zk1:2181,zk2:2181", "basePath": "/devflow-dr",
                                              "sessionTimeoutMs": 15000, "connectionTimeoutMs": 5000}},
                    "notifications": {
                      "webhook": {"url": "https://hooks.example/LIT-SECRET-webhook"},
                      "email": {"host": "smtp.example", "port": 587, "security": "starttls", "username": "dr",
                                "password": "LIT-SECRET-smtp", "from": "dr@example.com",
                                "to": ["sre@example.com", "oncall@example.com"]}
                    }
                  }
                }
                """.replace("KEYRING", keyring.toString());
    }
}
