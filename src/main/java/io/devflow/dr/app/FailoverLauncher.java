package io.devflow.dr.app;

import io.devflow.dr.failover.FailoverRecord;
import io.devflow.dr.failover.Failovers;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a failover's route (direct:failover) in the background. A failover whose route ends without finishing it
 * (its rollback itself could not be written, say) is handed back, so the leader's recovery takes it up again.
 */
final class FailoverLauncher implements Failovers.Launcher {

    private static final Logger LOG = LoggerFactory.getLogger(FailoverLauncher.class);

    private final CamelContext context;
    private final Failovers failovers;
    private volatile ProducerTemplate producer;

    FailoverLauncher(CamelContext context, Failovers failovers) {
        this.context = context;
        this.failovers = failovers;
    }

    @Override
    public void run(FailoverRecord record) {
        producer().asyncSendBody("direct:failover", record).whenComplete((result, failure) -> {
            if (failure != null) {
                LOG.warn("failover {} stopped unfinished ({}); the leader takes it up again", record.id(), failure.getMessage());
                failovers.abandoned(record.id());
            }
        });
    }

    private ProducerTemplate producer() {
        ProducerTemplate template = producer;
        if (template == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = context.createProducerTemplate();
                }
                template = producer;
            }
        }
        return template;
    }
}
