package io.devflow.dr.archive;

import java.util.List;

/** What an archive holds, section by section. */
public record ArchiveSummary(List<SectionSummary> sections) {

    public ArchiveSummary {
        sections = List.copyOf(sections);
    }

    public long items() {
        return sections.stream().mapToLong(SectionSummary::items).sum();
    }

    public long bytes() {
        return sections.stream().mapToLong(SectionSummary::bytes).sum();
    }
}
