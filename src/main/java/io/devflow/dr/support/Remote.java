package io.devflow.dr.support;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Runs one call to a remote server, described in words: transient faults are retried a bounded number of
 * times with exponential backoff, interruption is respected, and a final failure says what was being done.
 * Timeouts are not retried here: the client already waited, and the pipeline's redelivery retries later.
 */
public final class Remote {

    private static final Logger LOG = LoggerFactory.getLogger(Remote.class);
    private static final int ATTEMPTS = 3;
    private static final Duration FIRST_DELAY = Duration.ofMillis(200);

    private Remote() {
    }

    public interface Operation<T> extends Callable<T> {
    }

    public interface Action {
        void run() throws Exception;
    }

    public static <T> T execute(String description, Operation<T> operation) {
        Duration delay = FIRST_DELAY;
        for (int attempt = 1; ; attempt++) {
            try {
                return operation.call();
            } catch (RemoteOperationException e) {
                throw e;
            } catch (Exception e) {
                boolean transientFailure = Failures.isTransient(e);
                if (Failures.isInterruption(e)) {
                    Thread.currentThread().interrupt();
                    throw new RemoteOperationException(description + " was interrupted", e, false);
                }
                if (!transientFailure || Failures.isTimeout(e) || attempt >= ATTEMPTS) {
                    throw new RemoteOperationException(description + " failed: " + Failures.describe(e), e, transientFailure);
                }
                LOG.warn("{} failed (attempt {} of {}), retrying in {} ms: {}", description, attempt, ATTEMPTS,
                        delay.toMillis(), Failures.describe(e));
                sleep(delay, description);
                delay = delay.multipliedBy(4);
            }
        }
    }

    public static void run(String description, Action action) {
        execute(description, () -> {
            action.run();
            return null;
        });
    }

    private static void sleep(Duration delay, String description) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteOperationException(description + " was interrupted", e, false);
        }
    }
}
