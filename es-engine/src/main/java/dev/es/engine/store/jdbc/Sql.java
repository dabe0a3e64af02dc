package dev.es.engine.store.jdbc;

import dev.es.engine.internal.Json;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Small helpers shared by the JDBC stores: timestamps, string maps as JSON, SQLState classes. */
final class Sql {

    /** SQLState of a unique or primary key violation. */
    static final String UNIQUE_VIOLATION = "23505";

    private Sql() {
    }

    static void setInstant(PreparedStatement statement, int index, Instant instant) throws SQLException {
        if (instant == null) {
            statement.setObject(index, null, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(index, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
        }
    }

    static Instant getInstant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static String toJson(Map<String, String> map) {
        if (map == null || map.isEmpty()) {
            return "{}";
        }
        return Json.mapper().writeValueAsString(map == null ? Map.of() : map);
    }

    static Map<String, String> stringMap(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        JsonNode node = Json.tree(json);
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            map.put(entry.getKey(), entry.getValue().isNull() ? "" : entry.getValue().asString());
        }
        return map;
    }

    /** The first SQLState found along the exception chain, or {@code ""}. */
    static String sqlState(SQLException e) {
        for (SQLException current = e; current != null; current = current.getNextException()) {
            if (current.getSQLState() != null) {
                return current.getSQLState();
            }
        }
        Throwable cause = e.getCause();
        return cause instanceof SQLException sql && sql != e ? sqlState(sql) : "";
    }

    /**
     * Whether the failure is one where the transaction was certainly not committed but trying again may work: a lost
     * connection before the commit, a serialization failure, a deadlock, a server shutting down.
     */
    static boolean isTransient(SQLException e) {
        String state = sqlState(e);
        return state.startsWith("08") || state.equals("40001") || state.equals("40P01") || state.startsWith("57P");
    }

    /**
     * Whether a statement run with auto-commit that failed this way may still have committed: the connection was lost
     * (class 08) or the server went away (57P) while it ran, possibly after its commit.
     */
    static boolean mayHaveCommitted(SQLException e) {
        String state = sqlState(e);
        return state.startsWith("08") || state.startsWith("57P");
    }

    /** Whether the statement was cancelled, for example by {@code statement_timeout} (57014). */
    static boolean isCancelled(SQLException e) {
        return sqlState(e).equals("57014");
    }

    /** Whether a lock could not be had in time ({@code lock_timeout}, 55P03). */
    static boolean isLockNotAvailable(SQLException e) {
        return sqlState(e).equals("55P03");
    }
}
