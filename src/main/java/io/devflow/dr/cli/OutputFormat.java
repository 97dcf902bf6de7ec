package io.devflow.dr.cli;

/** --output text|json, and md for the reports that have a Markdown form ({@code dr compliance report}). */
public enum OutputFormat {
    text, json, md
}
