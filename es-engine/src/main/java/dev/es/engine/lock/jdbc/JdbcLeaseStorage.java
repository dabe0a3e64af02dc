package dev.es.engine.lock.jdbc;

import dev.es.engine.lock.LeaseStorage;
import dev.es.engine.store.jdbc.JdbcConnections;
import dev.es.engine.store.jdbc.JdbcStoreException;
import dev.es.engine.store.jdbc.JdbcTables;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases as rows in PostgreSQL, the storage of {@link JdbcLockProvider}: one row per key with its owner, fencing
 * token and expiry. Taking, renewing and releasing a lease are each one short statement; no connection is held
 * while a lock is held. Expiry is judged by the database clock ({@code clock_timestamp()}), so clients with skewed
 * clocks agree. A released lease keeps its row, so fencing tokens only ever grow.
 * <p>
 * Give it {@link JdbcConnections} that run their own transactions (as {@link JdbcConnections#of(DataSource)} does):
 * a lease must be visible to other processes as soon as it is taken, not when some caller's transaction commits.
 */
public final class JdbcLeaseStorage implements LeaseStorage {

    private static final Logger log = LoggerFactory.getLogger(JdbcLeaseStorage.class);

    private final JdbcConnections connections;
    private final String take;
    private final String renew;
    private final String release;
    private final String leased;

    public JdbcLeaseStorage(JdbcConnections connections, JdbcTables tables) {
        this.connections = Objects.requireNonNull(connections, "connections");
        String table = tables.locks();
        String expiry = "clock_timestamp() + make_interval(secs => CAST(? AS double precision))";
        this.take = "INSERT INTO " + table + " AS l (lock_key, owner, fencing_token, expires_at) VALUES (?, ?, ?, "
                + expiry + ") ON CONFLICT (lock_key) DO UPDATE SET owner = EXCLUDED.owner,"
                + " fencing_token = GREATEST(l.fencing_token + 1, EXCLUDED.fencing_token),"
                + " expires_at = EXCLUDED.expires_at"
                + " WHERE l.expires_at <= clock_timestamp() RETURNING fencing_token";
        this.renew = "UPDATE " + table + " SET expires_at = " + expiry
                + " WHERE lock_key = ? AND owner = ? AND fencing_token = ? AND expires_at > clock_timestamp()";
        this.release = "UPDATE " + table + " SET owner = NULL, expires_at = clock_timestamp()"
                + " WHERE lock_key = ? AND owner = ? AND fencing_token = ?";
        this.leased = "SELECT 1 FROM " + table + " WHERE lock_key = ? AND expires_at > clock_timestamp()";
    }

    @Override
    public OptionalLong tryLease(String key, String owner, Duration lease, long tokenFloor) {
        try {
            return connections.inOneStatement(connection -> {
                try (PreparedStatement statement = connection.prepareStatement(take)) {
                    statement.setString(1, key);
                    statement.setString(2, owner);
                    statement.setLong(3, tokenFloor);
                    statement.setDouble(4, seconds(lease));
                    try (ResultSet rs = statement.executeQuery()) {
                        return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
                    }
                }
            });
        } catch (SQLException e) {
            throw new JdbcStoreException("Taking the lease on lock '" + key + "' failed", e);
        }
    }

    @Override
    public boolean renewLease(String key, String owner, long fencingToken, Duration lease) {
        try {
            return connections.inOneStatement(connection -> {
                try (PreparedStatement statement = connection.prepareStatement(renew)) {
                    statement.setDouble(1, seconds(lease));
                    statement.setString(2, key);
                    statement.setString(3, owner);
                    statement.setLong(4, fencingToken);
                    return statement.executeUpdate() == 1;
                }
            });
        } catch (SQLException e) {
            throw new JdbcStoreException("Renewing the lease on lock '" + key + "' failed", e);
        }
    }

    @Override
    public void releaseLease(String key, String owner, long fencingToken) {
        try {
            int released = connections.inOneStatement(connection -> {
                try (PreparedStatement statement = connection.prepareStatement(release)) {
                    statement.setString(1, key);
                    statement.setString(2, owner);
                    statement.setLong(3, fencingToken);
                    return statement.executeUpdate();
                }
            });
            if (released == 0) {
                log.debug("Lock '{}' (token {}) was no longer ours to release", key, fencingToken);
            }
        } catch (SQLException e) {
            throw new JdbcStoreException("Releasing the lease on lock '" + key + "' failed", e);
        }
    }

    @Override
    public boolean isLeased(String key) {
        try {
            return connections.read(connection -> {
                try (PreparedStatement statement = connection.prepareStatement(leased)) {
                    statement.setString(1, key);
                    try (ResultSet rs = statement.executeQuery()) {
                        return rs.next();
                    }
                }
            });
        } catch (SQLException e) {
            throw new JdbcStoreException("Checking lock '" + key + "' failed", e);
        }
    }

    @Override
    public boolean isReachable() {
        try {
            return connections.read(connection -> connection.isValid(5));
        } catch (SQLException | RuntimeException e) {
            log.debug("Lock database not reachable", e);
            return false;
        }
    }

    private static double seconds(Duration lease) {
        return lease.toNanos() / 1_000_000_000.0;
    }
}
