package dev.es.engine.lock.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.lock.DistributedLock;
import dev.es.engine.lock.LockSettings;
import dev.es.engine.lock.memory.InMemoryLockProvider;
import dev.es.engine.store.jdbc.JdbcTables;
import dev.es.engine.store.jdbc.PostgresExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Fencing tokens never go back: not over a lease row from before clock seeding, not when switching providers. */
class JdbcFencingTokensTest {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension(JdbcTables.defaults());

    private static JdbcLockProvider jdbc() {
        return new JdbcLockProvider(POSTGRES.connections(), JdbcTables.defaults(), LockSettings.defaults(),
                Clock.systemUTC());
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }

    @Test
    void aLeaseRowWithASmallCounterGetsATokenFromTheClock() throws Exception {
        try (Connection c = POSTGRES.dataSource().getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO es_locks (lock_key, owner, fencing_token,"
                     + " expires_at) VALUES ('legacy/1', NULL, 3, clock_timestamp())")) {
            insert.executeUpdate();
        }
        long before = micros(Instant.now());
        try (JdbcLockProvider provider = jdbc(); DistributedLock lock = provider.acquire("legacy/1", Duration.ZERO)) {
            assertThat(lock.fencingToken()).isGreaterThanOrEqualTo(before);
        }
    }

    @Test
    void switchingBetweenMemoryAndJdbcLocksNeverGoesBack() {
        String key = "switch/1";
        long memoryToken;
        try (InMemoryLockProvider memory = new InMemoryLockProvider();
             DistributedLock lock = memory.acquire(key, Duration.ZERO)) {
            memoryToken = lock.fencingToken();
        }
        long jdbcToken;
        try (JdbcLockProvider provider = jdbc(); DistributedLock lock = provider.acquire(key, Duration.ZERO)) {
            jdbcToken = lock.fencingToken();
        }
        assertThat(jdbcToken).isGreaterThan(memoryToken);
        try (InMemoryLockProvider memory = new InMemoryLockProvider();
             DistributedLock lock = memory.acquire(key, Duration.ZERO)) {
            assertThat(lock.fencingToken()).isGreaterThan(jdbcToken);
        }
    }
}
