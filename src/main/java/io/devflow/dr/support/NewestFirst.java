package io.devflow.dr.support;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Reads the newest of a folder's records whose ids carry their creation time to the second only, followed by a
 * random part. Ids of one second sort by that random part, so every record of the last second taken is read and
 * they are ordered by the time inside them: "the newest" is then the one created last, not the one whose suffix
 * happens to sort last.
 */
public final class NewestFirst {

    private NewestFirst() {
    }

    /**
     * @param paths   the folder's record paths, in any order
     * @param second  the creation second a path names (any number that grows with time)
     * @param read    reads a record; empty when it is gone
     * @param wanted  which records count towards {@code limit}
     * @param created when a record was created, from its content (may be null: sorts last)
     */
    public static <T> List<T> read(List<String> paths, ToLongFunction<String> second,
                                   Function<String, Optional<T>> read, Predicate<? super T> wanted,
                                   Function<? super T, Instant> created, int limit) {
        List<String> newestFirst = new ArrayList<>(paths);
        newestFirst.sort(Comparator.comparingLong(second).reversed());
        List<T> records = new ArrayList<>();
        long lastSecond = Long.MIN_VALUE;
        for (String path : newestFirst) {
            long pathSecond = second.applyAsLong(path);
            if (records.size() >= limit && pathSecond != lastSecond) {
                break;
            }
            lastSecond = pathSecond;
            read.apply(path).filter(wanted).ifPresent(records::add);
        }
        records.sort(Comparator.comparing(created, Comparator.nullsLast(Comparator.<Instant>reverseOrder())));
        return List.copyOf(records.subList(0, Math.min(limit, records.size())));
    }

    /** The second of an id shaped {@code <prefix>-<yyyyMMdd>-<HHmmss>-<random>}, as the number yyyyMMddHHmmss. */
    public static long stampedSecond(String path) {
        String[] parts = path.substring(path.lastIndexOf('/') + 1).split("-");
        try {
            return Long.parseLong(parts[1] + parts[2]);
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
