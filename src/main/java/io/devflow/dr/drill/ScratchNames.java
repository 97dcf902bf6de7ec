package io.devflow.dr.drill;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Names of the databases a drill creates: {@code dr_drill_<tag>_<source database>}, where the tag is the drill id's
 * random part, so that no two drills (nor anything else) share one; {@code dr_drill_<tag>_<n>} when the source's
 * name would make it too long or is not a plain word.
 */
public final class ScratchNames {

    public static final String PREFIX = "dr_drill_";
    private static final int MAX_LENGTH = 63;

    private ScratchNames() {
    }

    /** Source database to scratch database, in the order given. */
    static Map<String, String> of(String drillId, Iterable<String> sources) {
        String base = PREFIX + DrillRecords.scratchTag(drillId) + "_";
        Map<String, String> names = new LinkedHashMap<>();
        for (String source : sources) {
            String name = base + source;
            if (name.length() > MAX_LENGTH || !source.matches("[A-Za-z0-9_-]+")) {
                name = base + names.size();
            }
            names.put(source, name);
        }
        return names;
    }
}
