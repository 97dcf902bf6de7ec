package io.devflow.dr.support;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RemoteTest {

    private static final String WHAT = "reading s3://backups/dr/x/manifest.json";

    private final AtomicInteger attempts = new AtomicInteger();

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void shouldRetryATransientFailureAndReturnTheResult() {
        String result = Remote.execute(WHAT, () -> {
            if (attempts.incrementAndGet() == 1) {
                throw SdkClientException.create("connection reset");
            }
            return "manifest";
        });

        assertThat(result).isEqualTo("manifest");
        assertThat(attempts).hasValue(2);
    }

    @Test
    void shouldNotRetryAPermanentFailure() {
        IOException denied = new IOException("access denied");

        assertThatThrownBy(() -> Remote.execute(WHAT, () -> {
            attempts.incrementAndGet();
            throw denied;
        }))
                .isInstanceOfSatisfying(RemoteOperationException.class, e -> assertThat(e.isTransient()).isFalse())
                .hasMessage(WHAT + " failed: access denied")
                .hasCause(denied);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void shouldGiveUpAfterBoundedAttemptsSayingWhatWasBeingDone() {
        assertThatThrownBy(() -> Remote.run(WHAT, () -> {
            throw SdkClientException.create("unable to connect, attempt " + attempts.incrementAndGet());
        }))
                .isInstanceOfSatisfying(RemoteOperationException.class, e -> assertThat(e.isTransient()).isTrue())
                .hasMessageStartingWith(WHAT + " failed: ")
                .hasMessageContaining("attempt 3");
        assertThat(attempts).hasValue(3);
    }

    @Test
    void shouldPassAnEarlierRemoteFailureThroughWithoutRetrying() {
        RemoteOperationException inner = new RemoteOperationException("listing s3://backups/ failed: reset",
                SdkClientException.create("reset"), true);

        assertThatThrownBy(() -> Remote.execute(WHAT, () -> {
            attempts.incrementAndGet();
            throw inner;
        })).isSameAs(inner);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void shouldStopRetryingWhenInterrupted() {
        Thread.currentThread().interrupt();

        assertThatThrownBy(() -> Remote.execute(WHAT, () -> {
            attempts.incrementAndGet();
            throw SdkClientException.create("connection reset");
        }))
                .isInstanceOfSatisfying(RemoteOperationException.class, e -> assertThat(e.isTransient()).isFalse())
                .hasMessage(WHAT + " was interrupted");
        assertThat(attempts).hasValue(1);
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
    }
}
