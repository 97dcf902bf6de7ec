package io.devflow.dr.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.testing.TestConfigs;
import org.junit.jupiter.api.Test;

import static io.devflow.dr.testing.TestConfigs.at;
import static org.assertj.core.api.Assertions.assertThat;

class BackupConfigTest {

    @Test
    void shouldComputeTheLargestPartSizeWithoutOverflow() {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery/backup").put("partSizeMiB", 5120);

        assertThat(TestConfigs.load(root).backup().partSizeBytes()).isEqualTo(5L * 1024 * 1024 * 1024);
    }
}
