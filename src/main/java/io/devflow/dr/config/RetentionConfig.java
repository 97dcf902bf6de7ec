package io.devflow.dr.config;

/** Grandfather-father-son retention: how many daily, weekly and monthly full backups to keep. */
public record RetentionConfig(int daily, int weekly, int monthly) {
}
