package io.devflow.dr.config;

public enum RegionRole {
    PRIMARY, SECONDARY;

    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
