package io.devflow.dr.compliance;

import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.ScheduleConfig;
import org.quartz.CronExpression;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.TimeZone;

/**
 * How often each kind of evidence must recur: the full backup and retention intervals follow their cron schedules;
 * a restore drill is due every week and a failover test every month, as the seed's DR test schedules have it.
 */
public record CompliancePolicy(Duration fullBackup, Duration retention, Duration restoreDrill, Duration failoverTest) {

    public static final Duration RESTORE_DRILL = Duration.ofDays(7);
    public static final Duration FAILOVER_TEST = Duration.ofDays(31);

    public static CompliancePolicy of(DrConfig config, Instant now) {
        ScheduleConfig schedule = config.backup().schedule();
        return new CompliancePolicy(interval(schedule.full(), schedule.timezone(), now, Duration.ofDays(1)),
                interval(schedule.retention(), schedule.timezone(), now, Duration.ofDays(7)), RESTORE_DRILL,
                FAILOVER_TEST);
    }

    /** The longest gap between two firings of a cron schedule over the next 40 of them. */
    static Duration interval(String cron, String timezone, Instant now, Duration otherwise) {
        try {
            CronExpression expression = new CronExpression(cron);
            expression.setTimeZone(TimeZone.getTimeZone(timezone));
            Date previous = expression.getNextValidTimeAfter(Date.from(now));
            Duration longest = Duration.ZERO;
            for (int i = 0; i < 40 && previous != null; i++) {
                Date next = expression.getNextValidTimeAfter(previous);
                if (next == null) {
                    break;
                }
                Duration gap = Duration.between(previous.toInstant(), next.toInstant());
                longest = gap.compareTo(longest) > 0 ? gap : longest;
                previous = next;
            }
            return longest.isZero() ? otherwise : longest;
        } catch (ParseException e) {
            return otherwise;
        }
    }
}
