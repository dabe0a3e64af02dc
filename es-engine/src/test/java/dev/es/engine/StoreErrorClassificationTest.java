package dev.es.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.engine.store.jdbc.JdbcStoreException;
import dev.es.engine.store.jdbc.PostgresExtension;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The one classification of store errors ({@link ErrorCategory#of}), on errors real components raise: PostgreSQL's
 * (a refused connection, a statement timeout, a unique violation, a syntax error, a missing privilege), a socket read
 * that times out and a refused connection. Azure Storage statuses are checked against Azurite in
 * {@code BlobTransientFaultsTest}.
 */
class StoreErrorClassificationTest {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static SQLException sqlError(String sql) throws SQLException {
        try (Connection c = POSTGRES.dataSource().getConnection(); Statement s = c.createStatement()) {
            try {
                s.execute(sql);
            } catch (SQLException e) {
                s.execute("RESET ALL; RESET ROLE"); // the connection goes back to the pool as it came
                return e;
            }
        }
        throw new AssertionError("no error from " + sql);
    }

    @Test
    void postgresErrorsByTheirSqlState() throws Exception {
        SQLException timeout = sqlError("SET statement_timeout = 50; SELECT pg_sleep(5)");
        assertThat(timeout.getSQLState()).isEqualTo("57014");
        assertThat(ErrorCategory.of(timeout)).isEqualTo(ErrorCategory.TRANSIENT);

        SQLException duplicate = sqlError("CREATE TEMP TABLE u (k int PRIMARY KEY); INSERT INTO u VALUES (1), (1)");
        assertThat(ErrorCategory.of(duplicate)).isEqualTo(ErrorCategory.CONFLICT);

        SQLException syntax = sqlError("SELEC 1");
        assertThat(ErrorCategory.of(syntax)).isEqualTo(ErrorCategory.FAILURE);

        SQLException privilege = sqlError("SET ROLE pg_read_all_data; CREATE TABLE es_forbidden (k int)");
        assertThat(privilege.getSQLState()).isEqualTo("42501");
        assertThat(ErrorCategory.of(privilege)).isEqualTo(ErrorCategory.FAILURE);

        // a store's own exception says the same as its cause
        assertThat(new JdbcStoreException("Reading failed", timeout).category()).isEqualTo(ErrorCategory.TRANSIENT);
        assertThat(new JdbcStoreException("Reading failed", syntax).category()).isEqualTo(ErrorCategory.FAILURE);
    }

    @Test
    void aRefusedDatabaseConnectionIsTransient() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + closedPort
                + "/test?connectTimeout=2", "postgres", ""))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).startsWith("08");
                    assertThat(ErrorCategory.of(e)).isEqualTo(ErrorCategory.TRANSIENT);
                });
    }

    @Test
    void socketTimeoutsAndRefusedConnectionsAreTransientAlsoWhenWrapped() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             Socket client = new Socket()) {
            client.connect(new InetSocketAddress(silent.getInetAddress(), silent.getLocalPort()), 2_000);
            client.setSoTimeout(50);
            InputStream in = client.getInputStream();
            SocketTimeoutException timeout = null;
            try {
                in.read();
            } catch (SocketTimeoutException e) {
                timeout = e;
            }
            assertThat(timeout).isNotNull();
            assertThat(ErrorCategory.of(timeout)).isEqualTo(ErrorCategory.TRANSIENT);
            assertThat(ErrorCategory.of(new UncheckedIOException(timeout))).isEqualTo(ErrorCategory.TRANSIENT);
            assertThat(ErrorCategory.of(new RuntimeException("reactor", new IllegalStateException(timeout))))
                    .isEqualTo(ErrorCategory.TRANSIENT);
        }
    }

    @Test
    void argumentChecksAreUsageAndTheRestFailure() {
        assertThat(ErrorCategory.of(new IllegalArgumentException("bad"))).isEqualTo(ErrorCategory.USAGE);
        assertThat(ErrorCategory.of(new IllegalStateException("broken"))).isEqualTo(ErrorCategory.FAILURE);
        assertThat(ErrorCategory.ofHttpStatus(429)).isEqualTo(ErrorCategory.TRANSIENT);
        assertThat(ErrorCategory.ofHttpStatus(404)).isEqualTo(ErrorCategory.FAILURE);
        assertThat(ErrorCategory.ofSqlState("40001")).isEqualTo(ErrorCategory.TRANSIENT);
        assertThat(ErrorCategory.ofSqlState("53300")).isEqualTo(ErrorCategory.TRANSIENT);
    }
}
