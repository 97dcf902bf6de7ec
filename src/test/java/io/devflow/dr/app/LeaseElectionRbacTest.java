package io.devflow.dr.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.ClusterConfig;
import io.devflow.dr.k8s.Manifests;
import io.devflow.dr.testing.Poll;
import io.devflow.dr.testing.TestConfigs;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Role of k8s/dr-server.yaml against the calls the election really makes: the cluster service
 * {@link LeaderElection#service} builds for the kubernetes engine is run against the fabric8 mock API server (CRUD
 * mode) until it has been elected and renewed its Lease, and every request it sent, as a verb on a resource, must be
 * one the Role grants, and every grant must be used. The mock server does not enforce RBAC: the comparison does.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class LeaseElectionRbacTest {

    private static final String NAMESPACE = "dr";
    private static final String MASTER = "kubernetes.master";
    private static final String KUBE_CONFIG = "kubernetes.auth.tryKubeConfig";
    private static final String POD = "devflow-dr-7d9f8c6b5-x2x4q";
    private static final Pattern PATH = Pattern.compile(
            "/(?:api|apis/([^/]+))/v1/namespaces/" + NAMESPACE + "/([a-z]+)(/[^/?]+)?(\\?.*)?");

    KubernetesMockServer server;
    KubernetesClient client;

    @Test
    void shouldGrantExactlyWhatTheLeaseElectionCalls() throws Exception {
        client.pods().inNamespace(NAMESPACE).resource(new PodBuilder().withNewMetadata().withName(POD)
                .addToLabels("app.kubernetes.io/name", "devflow-dr").endMetadata()
                // the election counts running pods only
                .withNewStatus().withPhase("Running").withInitContainerStatuses(List.of())
                .addNewContainerStatus().withName("dr").withReady(true).withNewState().withNewRunning().endRunning()
                .endState().endContainerStatus()
                .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build()).create();
        while (server.takeRequest(10, TimeUnit.MILLISECONDS) != null) {
            // the test's own setup is not the election's
        }
        ObjectNode root = TestConfigs.minimal();
        TestConfigs.at(root, "/disasterRecovery").putObject("cluster").put("engine", "kubernetes")
                .putObject("kubernetes").put("namespace", NAMESPACE).put("leaseName", "devflow-dr")
                .put("leaseDurationMs", 3_000).put("renewDeadlineMs", 2_000).put("retryPeriodMs", 200);
        ClusterConfig cluster = TestConfigs.load(root).cluster();
        KubernetesClusterService service = (KubernetesClusterService) LeaderElection.service(cluster, POD);

        Set<String> calls = new TreeSet<>();
        CamelContext context = new DefaultCamelContext();
        // the service builds fabric8's default client, as in a pod; outside one, these point it at the mock server
        System.setProperty(MASTER, client.getMasterUrl().toString());
        System.setProperty(KUBE_CONFIG, "false");
        try {
            context.addService(service);
            context.start();
            CamelClusterView view = service.getView(LeaderElection.NAMESPACE);
            Poll.until("elected through the Lease", Duration.ofSeconds(60), () -> view.getLocalMember().isLeader());
            Poll.until("the Lease renewed", Duration.ofSeconds(60), () -> {
                drain(calls);
                return calls.contains("coordination.k8s.io leases update");
            });
        } finally {
            context.stop();
            System.clearProperty(MASTER);
            System.clearProperty(KUBE_CONFIG);
        }

        assertThat(calls).containsExactlyInAnyOrderElementsOf(granted());
    }

    private void drain(Set<String> calls) {
        try {
            RecordedRequest request;
            while ((request = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
                calls.add(call(request));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A request as RBAC sees it: API group, resource, verb. */
    private static String call(RecordedRequest request) {
        Matcher m = PATH.matcher(request.getPath());
        assertThat(m.matches()).as(request.getMethod() + " " + request.getPath()).isTrue();
        String group = m.group(1) == null ? "" : m.group(1);
        boolean named = m.group(3) != null;
        boolean watch = m.group(4) != null && m.group(4).contains("watch=true");
        String verb = switch (request.getMethod()) {
            case "GET" -> named ? "get" : watch ? "watch" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> throw new AssertionError("unexpected " + request.getRequestLine());
        };
        return (group.isEmpty() ? "core" : group) + " " + m.group(2) + " " + verb;
    }

    private static Set<String> granted() {
        Role role = Manifests.load().one(Role.class, "devflow-dr-leader-election");
        Set<String> granted = new TreeSet<>();
        for (PolicyRule rule : role.getRules()) {
            assertThat(rule.getResourceNames()).isNullOrEmpty();
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    for (String verb : rule.getVerbs()) {
                        granted.add((group.isEmpty() ? "core" : group) + " " + resource + " " + verb);
                    }
                }
            }
        }
        return granted;
    }
}
