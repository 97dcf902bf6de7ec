package io.devflow.dr.cli;

/** --output text|json, junit for dr test, and md for the reports that have a Markdown form (dr compliance report). */
public enum OutputFormat {
    text, json, junit, md
}
