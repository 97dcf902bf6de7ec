package io.devflow.dr.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test double of the Route 53 wire protocol that keeps real record sets in memory, because no Route 53 is
 * available here. It is not AWS Route 53: it stands in for it to prove the client side (requests the AWS SDK
 * really sends, record sets as Route 53 really lists them), not AWS's own behaviour. It speaks REST-XML
 * ({@code /2013-04-01/...}) on 127.0.0.1 and a free port, so the real {@link Route53Client} talks to it over HTTP
 * exactly as it would to AWS.
 *
 * <p>Operations: ChangeResourceRecordSets (CREATE, UPSERT, DELETE, a batch applied all or nothing),
 * ListResourceRecordSets (Route 53's order: names by reversed labels, then type, then set identifier; starting at
 * name/type/identifier; pages of {@link #pageSize} with the Next* markers), GetChange (PENDING at first, INSYNC from
 * the second look unless {@link #holdChangesPending}). Batch validation as Route 53 does it, each answered as
 * {@code InvalidChangeBatch}: CREATE of an existing set, DELETE of a missing one or with other values, two changes to
 * one set, a set outside the zone, a set identifier without a routing policy (or a policy without one), weighted
 * and failover sets or sets with and without identifiers under one name and type, a second PRIMARY or SECONDARY,
 * a CNAME with several values. Errors are Route 53's XML ({@code ErrorResponse/Error/Code, Message}).
 *
 * <p>Not modelled: SigV4 signatures (any credentials work), alias targets, health checks' own API, other routing
 * policies, hosted zone management beyond {@link #createHostedZone}.
 */
public final class Route53ProtocolEndpoint implements AutoCloseable {

    public static final String REGION = "aws-global";
    private static final String API = "/2013-04-01/";
    private static final String XMLNS = "https://route53.amazonaws.com/doc/2013-04-01/";

    /** A record set as Route 53 keeps it; {@code weight} and {@code failover} are null when not set. */
    public record RecordSet(String name, String type, String setIdentifier, Long weight, String failover, Long ttl,
                            String healthCheckId, List<String> values) {

        public RecordSet {
            values = List.copyOf(values);
        }

        String key() {
            return name + "|" + type + "|" + Objects.toString(setIdentifier, "");
        }

        String describe() {
            return "[name='" + name + "', type='" + type + "'" + (setIdentifier == null ? "" : ", set-identifier='"
                    + setIdentifier + "'") + "]";
        }
    }

    private static final class Route53Error extends Exception {
        final int status;
        final String code;

        Route53Error(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }

        static Route53Error invalidBatch(String message) {
            return new Route53Error(400, "InvalidChangeBatch", message);
        }
    }

    private record Zone(String id, String name, Map<String, RecordSet> sets) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Zone> zones = new HashMap<>();
    private final Map<String, Integer> changeLooks = new HashMap<>();
    private final List<String> operations = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean holdPending;
    private volatile int pageSize = 100;

    private Route53ProtocolEndpoint() throws IOException {
        AtomicInteger threads = new AtomicInteger();
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "route53-test-endpoint-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public static Route53ProtocolEndpoint start() {
        try {
            return new Route53ProtocolEndpoint();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Route 53-protocol test endpoint on 127.0.0.1", e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** A real SDK client for this endpoint: static test credentials, region {@value #REGION}, Apache HTTP. */
    public Route53Client newClient() {
        return Route53Client.builder().endpointOverride(endpoint()).region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    /** Creates a hosted zone directly, as an administrator would have before the test; returns its id. */
    public synchronized String createHostedZone(String name) {
        String id = "Z" + String.format("%012d", ids.incrementAndGet());
        zones.put(id, new Zone(id, absolute(name), new LinkedHashMap<>()));
        return id;
    }

    /** Puts a record set directly (what the zone held before the test). */
    public synchronized void put(String zoneId, RecordSet set) {
        zones.get(zoneId).sets().put(set.key(), set);
    }

    /** The zone's record sets of one name and type, in Route 53's order. */
    public synchronized List<RecordSet> recordSets(String zoneId, String name, String type) {
        return sorted(zones.get(zoneId).sets()).stream()
                .filter(s -> s.name().equals(absolute(name)) && s.type().equals(type)).toList();
    }

    /** The operations served so far, in order (e.g. {@code ChangeResourceRecordSets}), failed ones included. */
    public List<String> operations() {
        synchronized (operations) {
            return List.copyOf(operations);
        }
    }

    /** While true, GetChange answers PENDING for ever (a change Route 53 is slow to propagate). */
    public void holdChangesPending(boolean hold) {
        this.holdPending = hold;
    }

    public void pageSize(int size) {
        this.pageSize = size;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            int status = 200;
            String response;
            try {
                response = dispatch(exchange.getRequestMethod(), exchange.getRequestURI(), body);
            } catch (Route53Error e) {
                status = e.status;
                response = "<ErrorResponse xmlns=\"" + XMLNS + "\"><Error><Type>Sender</Type><Code>" + e.code
                        + "</Code><Message>" + escape(e.getMessage()) + "</Message></Error><RequestId>"
                        + UUID.randomUUID() + "</RequestId></ErrorResponse>";
            }
            byte[] bytes = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + response).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/xml");
            exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private synchronized String dispatch(String method, URI uri, byte[] body) throws Route53Error {
        String path = uri.getPath();
        String[] parts = path.startsWith(API) ? path.substring(API.length()).split("/") : new String[0];
        if (method.equals("POST") && parts.length == 3 && parts[0].equals("hostedzone") && parts[2].equals("rrset")) {
            operations.add("ChangeResourceRecordSets");
            return change(zone(parts[1]), body);
        }
        if (method.equals("GET") && parts.length == 3 && parts[0].equals("hostedzone") && parts[2].equals("rrset")) {
            operations.add("ListResourceRecordSets");
            return list(zone(parts[1]), query(uri));
        }
        if (method.equals("GET") && parts.length == 2 && parts[0].equals("change")) {
            operations.add("GetChange");
            return getChange(parts[1]);
        }
        operations.add(method + " " + path);
        throw new Route53Error(400, "InvalidInput", "the Route 53-protocol test endpoint does not implement " + method + " " + path);
    }

    private Zone zone(String id) throws Route53Error {
        Zone zone = zones.get(id);
        if (zone == null) {
            throw new Route53Error(404, "NoSuchHostedZone", "No hosted zone found with ID: " + id);
        }
        return zone;
    }

    private String change(Zone zone, byte[] body) throws Route53Error {
        Map<String, RecordSet> next = new LinkedHashMap<>(zone.sets());
        List<String> touched = new ArrayList<>();
        NodeList changes = parse(body).getElementsByTagName("Change");
        if (changes.getLength() == 0) {
            throw new Route53Error(400, "InvalidInput", "ChangeBatch must hold at least one Change");
        }
        for (int i = 0; i < changes.getLength(); i++) {
            Element change = (Element) changes.item(i);
            String action = text(change, "Action");
            RecordSet set = recordSet((Element) change.getElementsByTagName("ResourceRecordSet").item(0));
            if (touched.contains(set.key())) {
                throw Route53Error.invalidBatch("The request contains an invalid set of changes for a resource record set '"
                        + set.type() + " " + set.name() + "'");
            }
            touched.add(set.key());
            checkShape(zone, set, action);
            RecordSet existing = next.get(set.key());
            switch (action) {
                case "CREATE" -> {
                    if (existing != null) {
                        throw Route53Error.invalidBatch("Tried to create resource record set " + set.describe() + " but it already exists");
                    }
                    next.put(set.key(), set);
                }
                case "UPSERT" -> next.put(set.key(), set);
                case "DELETE" -> {
                    if (existing == null) {
                        throw Route53Error.invalidBatch("Tried to delete resource record set " + set.describe() + " but it was not found");
                    }
                    if (!existing.equals(set)) {
                        throw Route53Error.invalidBatch("Tried to delete resource record set " + set.describe()
                                + " but the values provided do not match the current values");
                    }
                    next.remove(set.key());
                }
                default -> throw new Route53Error(400, "InvalidInput", "Action must be CREATE, UPSERT or DELETE, was " + action);
            }
        }
        checkCoexistence(next.values());
        zone.sets().clear();
        zone.sets().putAll(next);
        String id = "C" + String.format("%012d", ids.incrementAndGet());
        changeLooks.put(id, 0);
        return "<ChangeResourceRecordSetsResponse xmlns=\"" + XMLNS + "\">" + changeInfo(id, "PENDING")
                + "</ChangeResourceRecordSetsResponse>";
    }

    private static void checkShape(Zone zone, RecordSet set, String action) throws Route53Error {
        if (!set.name().equals(zone.name()) && !set.name().endsWith("." + zone.name())) {
            throw Route53Error.invalidBatch("RRSet with DNS name " + set.name() + " is not permitted in zone " + zone.name());
        }
        int policies = (set.weight() == null ? 0 : 1) + (set.failover() == null ? 0 : 1);
        if (policies > 1 || (set.setIdentifier() != null && policies == 0)) {
            throw Route53Error.invalidBatch("Invalid request: Expected exactly one of [Weight, Region, Failover, GeoLocation, "
                    + "MultiValueAnswer, GeoProximityLocation, or CidrRoutingConfig], but found " + (policies == 0 ? "none" : "more than one")
                    + " in Change with [Action=" + action + ", Name=" + set.name() + ", Type=" + set.type()
                    + ", SetIdentifier=" + set.setIdentifier() + "]");
        }
        if (set.setIdentifier() == null && policies > 0) {
            throw Route53Error.invalidBatch("Invalid request: Missing field 'SetIdentifier' in Change with [Action="
                    + action + ", Name=" + set.name() + ", Type=" + set.type() + "]");
        }
        if (set.type().equals("CNAME") && set.values().size() != 1) {
            throw Route53Error.invalidBatch("RRSet of type CNAME with DNS name " + set.name() + " has "
                    + set.values().size() + " values; a CNAME has exactly one");
        }
    }

    private static void checkCoexistence(Iterable<RecordSet> sets) throws Route53Error {
        Map<String, List<RecordSet>> byNameAndType = new TreeMap<>();
        sets.forEach(s -> byNameAndType.computeIfAbsent(s.name() + " " + s.type(), k -> new ArrayList<>()).add(s));
        for (List<RecordSet> group : byNameAndType.values()) {
            RecordSet first = group.get(0);
            long simple = group.stream().filter(s -> s.setIdentifier() == null).count();
            long weighted = group.stream().filter(s -> s.weight() != null).count();
            long failover = group.stream().filter(s -> s.failover() != null).count();
            if ((simple > 0 && group.size() > 1) || (weighted > 0 && failover > 0)) {
                throw Route53Error.invalidBatch("RRSet of type " + first.type() + " with DNS name " + first.name()
                        + " is not permitted because a conflicting RRSet of type " + first.type()
                        + " with the same DNS name already exists");
            }
            for (String role : List.of("PRIMARY", "SECONDARY")) {
                if (group.stream().filter(s -> role.equals(s.failover())).count() > 1) {
                    throw Route53Error.invalidBatch("A failover " + role + " resource record set already exists for "
                            + first.name() + " type " + first.type());
                }
            }
        }
    }

    private String list(Zone zone, Map<String, String> query) throws Route53Error {
        List<RecordSet> all = sorted(zone.sets());
        String startName = query.containsKey("name") ? absolute(query.get("name")) : null;
        String startType = query.get("type");
        String startIdentifier = query.get("identifier");
        if (startType != null && startName == null) {
            throw new Route53Error(400, "InvalidInput", "The input is not valid: type requires name");
        }
        int max = Math.min(pageSize, query.containsKey("maxitems") ? Integer.parseInt(query.get("maxitems")) : 300);
        Comparator<RecordSet> order = order();
        RecordSet start = startName == null ? null : new RecordSet(startName, startType == null ? "" : startType,
                startIdentifier, null, null, null, null, List.of());
        List<RecordSet> from = all.stream().filter(s -> start == null || order.compare(s, start) >= 0).toList();
        StringBuilder xml = new StringBuilder("<ListResourceRecordSetsResponse xmlns=\"" + XMLNS + "\"><ResourceRecordSets>");
        from.stream().limit(max).forEach(s -> xml.append(recordSetXml(s)));
        xml.append("</ResourceRecordSets><IsTruncated>").append(from.size() > max).append("</IsTruncated>");
        if (from.size() > max) {
            RecordSet next = from.get(max);
            xml.append("<NextRecordName>").append(escape(next.name())).append("</NextRecordName><NextRecordType>")
                    .append(next.type()).append("</NextRecordType>");
            if (next.setIdentifier() != null) {
                xml.append("<NextRecordIdentifier>").append(escape(next.setIdentifier())).append("</NextRecordIdentifier>");
            }
        }
        return xml.append("<MaxItems>").append(max).append("</MaxItems></ListResourceRecordSetsResponse>").toString();
    }

    private String getChange(String id) throws Route53Error {
        Integer looks = changeLooks.get(id);
        if (looks == null) {
            throw new Route53Error(404, "NoSuchChange", "A change with the specified change ID does not exist: " + id);
        }
        changeLooks.put(id, looks + 1);
        String status = holdPending || looks == 0 ? "PENDING" : "INSYNC";
        return "<GetChangeResponse xmlns=\"" + XMLNS + "\">" + changeInfo(id, status) + "</GetChangeResponse>";
    }

    private static String changeInfo(String id, String status) {
        return "<ChangeInfo><Id>/change/" + id + "</Id><Status>" + status + "</Status><SubmittedAt>" + Instant.now()
                + "</SubmittedAt></ChangeInfo>";
    }

    private static List<RecordSet> sorted(Map<String, RecordSet> sets) {
        return sets.values().stream().sorted(order()).toList();
    }

    /** Route 53 lists names by their labels from the right (com, example, db), then type, then set identifier. */
    private static Comparator<RecordSet> order() {
        return Comparator.comparing((RecordSet s) -> reversedLabels(s.name())).thenComparing(RecordSet::type)
                .thenComparing(s -> Objects.toString(s.setIdentifier(), ""));
    }

    private static String reversedLabels(String name) {
        List<String> labels = new ArrayList<>(List.of(name.split("\\.")));
        Collections.reverse(labels);
        return String.join("\u0001", labels);
    }

    private static String recordSetXml(RecordSet s) {
        StringBuilder xml = new StringBuilder("<ResourceRecordSet><Name>").append(escape(s.name())).append("</Name><Type>")
                .append(s.type()).append("</Type>");
        if (s.setIdentifier() != null) {
            xml.append("<SetIdentifier>").append(escape(s.setIdentifier())).append("</SetIdentifier>");
        }
        if (s.weight() != null) {
            xml.append("<Weight>").append(s.weight()).append("</Weight>");
        }
        if (s.failover() != null) {
            xml.append("<Failover>").append(s.failover()).append("</Failover>");
        }
        if (s.ttl() != null) {
            xml.append("<TTL>").append(s.ttl()).append("</TTL>");
        }
        xml.append("<ResourceRecords>");
        s.values().forEach(v -> xml.append("<ResourceRecord><Value>").append(escape(v)).append("</Value></ResourceRecord>"));
        xml.append("</ResourceRecords>");
        if (s.healthCheckId() != null) {
            xml.append("<HealthCheckId>").append(escape(s.healthCheckId())).append("</HealthCheckId>");
        }
        return xml.append("</ResourceRecordSet>").toString();
    }

    private static RecordSet recordSet(Element e) throws Route53Error {
        if (e == null) {
            throw new Route53Error(400, "InvalidInput", "a Change must hold a ResourceRecordSet");
        }
        List<String> values = new ArrayList<>();
        NodeList records = e.getElementsByTagName("Value");
        for (int i = 0; i < records.getLength(); i++) {
            values.add(records.item(i).getTextContent());
        }
        String weight = text(e, "Weight");
        String ttl = text(e, "TTL");
        return new RecordSet(absolute(text(e, "Name")), text(e, "Type"), text(e, "SetIdentifier"),
                weight == null ? null : Long.valueOf(weight), text(e, "Failover"), ttl == null ? null : Long.valueOf(ttl),
                text(e, "HealthCheckId"), values);
    }

    private static String text(Element parent, String tag) {
        for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && element.getTagName().equals(tag)) {
                return element.getTextContent().strip();
            }
        }
        return null;
    }

    private static Document parse(byte[] body) throws Route53Error {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(new ByteArrayInputStream(body));
        } catch (Exception e) {
            throw new Route53Error(400, "InvalidInput", "the request body is not XML: " + e.getMessage());
        }
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> query = new HashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return query;
    }

    private static String absolute(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower : lower + ".";
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
