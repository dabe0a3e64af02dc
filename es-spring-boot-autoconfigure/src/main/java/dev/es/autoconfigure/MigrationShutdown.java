package dev.es.autoconfigure;

import dev.es.engine.migration.DefaultEventStreamMigrationService;
import dev.es.engine.migration.MigrationAuditRecord;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * On shutdown, stops running migrations at a safe point before the beans they use go away: each releases its lock
 * and stays {@code PAUSED} in the routing table (its audit trail says the shutdown asked), and running it again after
 * the restart resumes it.
 */
final class MigrationShutdown implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(MigrationShutdown.class);

    private final DefaultEventStreamMigrationService service;
    private final Duration timeout;
    private volatile boolean running;

    public MigrationShutdown(DefaultEventStreamMigrationService service, Duration timeout) {
        this.service = service;
        this.timeout = timeout;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        int count = service.runningMigrations().size();
        if (count == 0) {
            return;
        }
        log.info("Pausing {} running migration(s) before shutdown", count);
        int left = service.suspendAll(timeout, MigrationAuditRecord.BY_SHUTDOWN);
        if (left > 0) {
            log.warn("{} migration(s) did not reach a safe point within {}; run them again after the restart",
                    left, timeout);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops early, before web servers and data sources. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 2048;
    }
}
