package io.devflow.dr.cli;

/** --output text|json, and junit for dr test */
public enum OutputFormat {
    text, json, junit
}
