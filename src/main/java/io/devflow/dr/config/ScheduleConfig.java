package io.devflow.dr.config;

/** Quartz cron expressions (seconds first) for the scheduled work, evaluated in {@code timezone}. */
public record ScheduleConfig(String full, String incremental, String retention, String timezone) {
}
