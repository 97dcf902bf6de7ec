package io.devflow.dr.config;

/** The seed's schedule: full daily at 02:00, incremental hourly, retention weekly (Quartz syntax). */
public final class ScheduleDefaults {

    public static final String FULL = "0 0 2 * * ?";
    public static final String INCREMENTAL = "0 0 * * * ?";
    public static final String RETENTION = "0 0 3 ? * SUN";

    private ScheduleDefaults() {
    }
}
