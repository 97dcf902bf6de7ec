package io.devflow.dr.config;


import java.util.Objects;

/** One way replication runs: from the region whose data is copied to the region that receives it. */
public record Direction(RegionId source, RegionId target) {

    public Direction {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        if (source.equals(target)) {
            throw new IllegalArgumentException("a region cannot replicate to itself: " + source);
        }
    }

    public static Direction of(String source, String target) {
        return new Direction(RegionId.of(source), RegionId.of(target));
    }

    /** The name used in state paths and metric tags: {@code us-east-1--us-west-2}. */
    public String id() {
        return source.value() + "--" + target.value();
    }

    public Direction reverse() {
        return new Direction(target, source);
    }

    @Override
    public String toString() {
        return source + " -> " + target;
    }
}
