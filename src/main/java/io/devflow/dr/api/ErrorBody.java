package io.devflow.dr.api;

/** What every failed API call answers: its HTTP status again, and what went wrong (or what to change). */
public record ErrorBody(int status, String error) {
}
