package io.devflow.dr.cli;

/** --output text|json */
public enum OutputFormat {
    text, json
}
