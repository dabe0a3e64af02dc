package dev.es.engine.lock.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.lock.AbstractLockProviderContractTest;
import dev.es.engine.lock.DistributedLock;
import dev.es.engine.lock.LockSettings;
import dev.es.engine.store.jdbc.JdbcConnections;
import dev.es.engine.store.jdbc.JdbcTables;
import dev.es.engine.store.jdbc.PostgresExtension;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JdbcLockProviderTest extends AbstractLockProviderContractTest<JdbcLockProvider> {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension(JdbcTables.defaults());
    private static JdbcConnections second;

    @BeforeAll
    static void database() {
        second = JdbcConnections.of(POSTGRES.newDataSource());
    }

    @Override
    protected JdbcLockProvider createProvider(LockSettings settings) {
        return new JdbcLockProvider(POSTGRES.connections(), JdbcTables.defaults(), settings, Clock.systemUTC());
    }

    @Override
    protected JdbcLockProvider secondProvider(JdbcLockProvider first, LockSettings settings) {
        return new JdbcLockProvider(second, JdbcTables.defaults(), settings, Clock.systemUTC());
    }

    @Test
    void fencingTokensKeepGrowingAcrossReleases() {
        try (JdbcLockProvider provider = (JdbcLockProvider) createProvider(LockSettings.defaults())) {
            long previous = 0;
            for (int i = 0; i < 3; i++) {
                try (DistributedLock lock = provider.acquire("grow/1", Duration.ZERO)) {
                    assertThat(lock.fencingToken()).isGreaterThan(previous);
                    previous = lock.fencingToken();
                }
            }
            assertThat(provider.isReachable()).isTrue();
        }
    }
}
