package dev.es.engine.store.jdbc;

import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The reachability check of the JDBC stores. */
final class JdbcHealth {

    private static final Logger log = LoggerFactory.getLogger(JdbcHealth.class);

    private JdbcHealth() {
    }

    static boolean isReachable(JdbcConnections connections) {
        try {
            return connections.read(connection -> {
                try (Statement statement = connection.createStatement()) {
                    return statement.execute("SELECT 1");
                }
            });
        } catch (SQLException | RuntimeException e) {
            log.debug("Database not reachable", e);
            return false;
        }
    }
}
