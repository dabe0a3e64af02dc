package dev.es.engine.lock.jdbc;

import dev.es.engine.lock.LeaseLockProvider;
import dev.es.engine.lock.LockSettings;
import dev.es.engine.store.jdbc.JdbcConnections;
import dev.es.engine.store.jdbc.JdbcTables;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import javax.sql.DataSource;

/**
 * Distributed locks as lease rows in PostgreSQL: a {@link LeaseLockProvider} over a {@link JdbcLeaseStorage}. A
 * token is {@code max(previous + 1, }{@link #tokenFloor()}{@code )}.
 */
public final class JdbcLockProvider extends LeaseLockProvider {

    /** Locks in the default tables of {@code dataSource}, with default lease timing. */
    public JdbcLockProvider(DataSource dataSource) {
        this(JdbcConnections.of(dataSource), JdbcTables.defaults(), LockSettings.defaults(), Clock.systemUTC());
    }

    public JdbcLockProvider(JdbcConnections connections, JdbcTables tables, LockSettings settings, Clock clock) {
        super(new JdbcLeaseStorage(connections, tables), settings, clock);
    }

    /** Leases renewed on {@code heartbeats} (shared with other providers), which {@link #close()} leaves running. */
    public JdbcLockProvider(JdbcConnections connections, JdbcTables tables, LockSettings settings, Clock clock,
                            ScheduledExecutorService heartbeats) {
        super(new JdbcLeaseStorage(connections, tables), settings, clock, heartbeats);
    }
}
