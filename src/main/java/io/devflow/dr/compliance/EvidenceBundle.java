package io.devflow.dr.compliance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.subtle.Ed25519Verify;
import io.devflow.dr.crypto.EvidenceSigner;
import io.devflow.dr.support.Json;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * An exported report with its evidence, checkable offline (decision 54): {@code report.json}, {@code report.md},
 * {@code evidence/*.json}, and {@code manifest.json} listing every file's SHA-256, signed with the deployment's
 * Ed25519 evidence key ({@code manifest.sig}); {@code public-key.txt} repeats the public key, which a verifier
 * compares with the one the operator published rather than trusting it.
 */
public final class EvidenceBundle {

    static final String MANIFEST = "manifest.json";
    static final String SIGNATURE = "manifest.sig";
    static final String PUBLIC_KEY = "public-key.txt";

    private EvidenceBundle() {
    }

    /** What {@link #verify} found: valid only when {@code problems} is empty. */
    public record Verification(boolean valid, String publicKey, boolean keyPinned, int files, List<String> problems) {
    }

    /** Writes the bundle into {@code dir} (created; refused when it holds files already). */
    public static void export(ComplianceReporter.Judged judged, EvidenceSigner signer, Path dir) {
        try {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> existing = Files.list(dir)) {
                    if (existing.findAny().isPresent()) {
                        throw new IllegalArgumentException(dir + " is not empty; export into a new directory");
                    }
                }
            }
            Files.createDirectories(dir.resolve("evidence"));
            Map<String, byte[]> files = new LinkedHashMap<>();
            files.put("report.json", pretty(judged.report()));
            StringWriter markdown = new StringWriter();
            ReportText.markdown(new PrintWriter(markdown), judged.report());
            files.put("report.md", markdown.toString().getBytes(StandardCharsets.UTF_8));
            ComplianceInputs in = judged.inputs();
            files.put("evidence/backups.json", pretty(in.backupsInPeriod()));
            files.put("evidence/drills.json", pretty(in.drills()));
            files.put("evidence/failovers.json", pretty(in.failovers().stream()
                    .filter(f -> f.startedAt() != null && !f.startedAt().isBefore(in.periodStart())).toList()));
            files.put("evidence/audit.json", pretty(Map.of("verification", in.chain(), "entries", in.audit())));
            files.put("evidence/policy.json", pretty(Map.of("policy", in.policy(), "retention",
                    in.config().backup().retention(), "schedule", in.config().backup().schedule(),
                    "rtoMinutes", in.config().recovery().rtoMinutes(), "rpoMinutes", in.config().recovery().rpoMinutes(),
                    "activeRegion", in.activeRegion().value())));
            ObjectNode manifest = Json.MAPPER.createObjectNode();
            manifest.put("format", 1);
            manifest.put("deployment", judged.report().deployment());
            manifest.put("generatedAt", judged.report().generatedAt().toString());
            manifest.put("publicKey", signer.publicKey());
            ObjectNode digests = manifest.putObject("files");
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                Files.write(dir.resolve(file.getKey()), file.getValue());
                digests.put(file.getKey(), sha256(file.getValue()));
            }
            byte[] manifestBytes = pretty(manifest);
            Files.write(dir.resolve(MANIFEST), manifestBytes);
            Files.writeString(dir.resolve(SIGNATURE), Base64.getEncoder().encodeToString(signer.sign(manifestBytes)) + "\n");
            Files.writeString(dir.resolve(PUBLIC_KEY), signer.publicKey() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the evidence to " + dir + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the evidence: " + e.getMessage(), e);
        }
    }

    /**
     * Checks a bundle offline: the signature over the manifest under {@code publicKey} (the operator's; when absent,
     * the bundle's own, which proves integrity but not origin), every listed file's digest, and no file unlisted.
     */
    public static Verification verify(Path dir, Optional<String> publicKey) {
        List<String> problems = new ArrayList<>();
        JsonNode manifest;
        byte[] manifestBytes;
        try {
            manifestBytes = Files.readAllBytes(dir.resolve(MANIFEST));
            manifest = Json.MAPPER.readTree(manifestBytes);
        } catch (IOException e) {
            return new Verification(false, null, false, 0, List.of(dir.resolve(MANIFEST) + " cannot be read: "
                    + e.getMessage()));
        }
        String key = publicKey.map(String::strip).orElse(manifest.path("publicKey").asText());
        if (publicKey.isPresent() && !key.equals(manifest.path("publicKey").asText())) {
            problems.add("the bundle names another public key than the one given: it was not signed by this deployment");
        }
        try {
            byte[] signature = Base64.getDecoder().decode(Files.readString(dir.resolve(SIGNATURE)).strip());
            new Ed25519Verify(Base64.getDecoder().decode(key)).verify(signature, manifestBytes);
        } catch (IOException e) {
            problems.add(SIGNATURE + " cannot be read: " + e.getMessage());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            problems.add("the signature over " + MANIFEST + " does not verify under public key " + key);
        }
        TreeSet<String> listed = new TreeSet<>();
        Iterator<Map.Entry<String, JsonNode>> files = manifest.path("files").fields();
        while (files.hasNext()) {
            Map.Entry<String, JsonNode> file = files.next();
            listed.add(file.getKey());
            Path path = dir.resolve(file.getKey()).normalize();
            if (!path.startsWith(dir.normalize())) {
                problems.add(file.getKey() + " points outside the bundle");
                continue;
            }
            try {
                if (!sha256(Files.readAllBytes(path)).equals(file.getValue().asText())) {
                    problems.add(file.getKey() + " was changed since it was signed");
                }
            } catch (IOException e) {
                problems.add(file.getKey() + " is missing");
            }
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .filter(name -> !listed.contains(name) && !name.equals(MANIFEST) && !name.equals(SIGNATURE)
                            && !name.equals(PUBLIC_KEY)).sorted()
                    .forEach(name -> problems.add(name + " is not part of the signed bundle"));
        } catch (IOException e) {
            problems.add("the bundle cannot be listed: " + e.getMessage());
        }
        return new Verification(problems.isEmpty(), key, publicKey.isPresent(), listed.size(), problems);
    }

    private static byte[] pretty(Object value) {
        return (Json.pretty(value) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
