package io.devflow.dr.cli;

import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.support.Json;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** Compact, aligned text like the seed's status output, and JSON with the same data. */
final class Printer {

    private Printer() {
    }

    static void json(PrintWriter out, Object value) {
        out.println(Json.pretty(value));
        out.flush();
    }

    static void field(PrintWriter out, String label, Object value) {
        if (value != null) {
            out.printf(Locale.ROOT, "  %-14s %s%n", label + ":", value);
        }
    }

    static void backup(PrintWriter out, BackupRecord r) {
        out.println("Backup " + r.id() + " " + r.status());
        field(out, "Type", r.type());
        field(out, "Store", r.store() + " (" + r.region() + ")");
        if (r.manifest() != null) {
            field(out, "Databases", r.manifest().source().get("databases"));
        }
        if (r.items() != null) {
            field(out, "Items", Terminal.count(r.items())
                    + (r.sections() != null ? " in " + r.sections() + " sections" : ""));
        }
        field(out, "Parent", r.parent());
        if (r.size() != null) {
            field(out, "Size", Terminal.bytes(r.size()) + " stored"
                    + (r.manifest() != null ? " (" + Terminal.bytes(r.manifest().bytes()) + " before compression)" : ""));
        }
        field(out, "Started", r.startedAt() == null ? null : r.startedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        if (r.durationMs() != null) {
            field(out, "Duration", Terminal.duration(r.durationMs()));
        }
        field(out, "Verified", r.verification());
        field(out, "Key", r.keyId());
        field(out, "Trigger", r.trigger());
        field(out, "Location", r.location());
        field(out, "Error", r.error());
        out.flush();
    }

    static void backupTable(PrintWriter out, List<BackupRecord> backups) {
        String format = "%-40s %-9s %-10s %-11s %-21s %9s %10s %10s  %-14s %s%n";
        out.printf(Locale.ROOT, format, "ID", "STORE", "REGION", "STATUS", "STARTED", "DURATION", "SIZE", "ITEMS", "VERIFIED", "PARENT");
        for (BackupRecord r : backups) {
            out.printf(Locale.ROOT, format, r.id(), r.store(), r.region(), r.status(),
                    r.startedAt() == null ? "-" : r.startedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(),
                    r.durationMs() == null ? "-" : Terminal.duration(r.durationMs()),
                    r.size() == null ? "-" : Terminal.bytes(r.size()),
                    r.items() == null ? "-" : Terminal.count(r.items()),
                    r.verification() != null ? r.verification() : "-",
                    r.parent() != null ? r.parent() : (r.error() != null ? r.error() : "-"));
        }
        out.flush();
    }
}
