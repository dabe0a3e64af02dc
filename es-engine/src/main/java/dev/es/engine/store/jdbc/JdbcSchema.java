package dev.es.engine.store.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the es tables from the SQL script shipped in the jar ({@code schema-postgresql.sql}) and checks that they
 * exist. The script only holds {@code CREATE ... IF NOT EXISTS}, {@code ALTER TABLE ... ADD COLUMN IF NOT EXISTS}
 * (columns added since a database was made) and {@code CREATE OR REPLACE FUNCTION} (the append function, replaced by
 * the one this version ships): initialising twice is harmless and nothing is ever dropped.
 */
public final class JdbcSchema {

    /** The classpath location of the PostgreSQL script. */
    public static final String POSTGRESQL_SCRIPT = "/dev/es/engine/store/jdbc/schema-postgresql.sql";

    private static final Logger log = LoggerFactory.getLogger(JdbcSchema.class);
    private static final String PLACEHOLDER = "${prefix}";
    private static final String FENCE_COLUMN = "fence";
    /** The argument types of the append function, as {@code to_regprocedure} reads them. */
    private static final String APPEND_ARGUMENTS =
            "(varchar, bigint, bigint, text[], text[], integer[], text[], text[], text[], text)";

    private final JdbcConnections connections;
    private final JdbcTables tables;

    public JdbcSchema(JdbcConnections connections, JdbcTables tables) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.tables = Objects.requireNonNull(tables, "tables");
    }

    /** The statements the script runs, with the prefix filled in. */
    public List<String> statements() {
        String script = loadScript().replace(PLACEHOLDER, tables.prefix());
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inBody = false; // inside a $$-quoted function body, whose lines end with ';' too
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if ((line.split("\\$\\$", -1).length - 1) % 2 == 1) {
                inBody = !inBody;
            }
            if (!inBody && trimmed.endsWith(";")) {
                String sql = current.toString().strip();
                statements.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.isEmpty()) {
            statements.add(current.toString().strip());
        }
        return statements;
    }

    /**
     * Creates whatever tables, indexes and sequences are missing, in one transaction, under an advisory lock so that
     * several instances starting at once do not trip over each other.
     */
    public void initialize() {
        List<String> statements = statements();
        try {
            connections.inTransaction(connection -> {
                try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                    lock.setString(1, "es-schema:" + tables.prefix());
                    lock.execute();
                }
                try (Statement statement = connection.createStatement()) {
                    for (String sql : statements) {
                        statement.execute(sql);
                    }
                }
                return null;
            });
            log.info("es schema with table prefix '{}' is in place ({} statements run)", tables.prefix(),
                    statements.size());
        } catch (SQLException e) {
            throw new JdbcStoreException("Creating the es schema with table prefix '" + tables.prefix() + "' failed", e);
        }
    }

    /** Whether every es table exists (as seen through the connection's search path). */
    public boolean schemaExists() {
        return missingTables().isEmpty();
    }

    /**
     * Checks that every es table exists.
     *
     * @throws JdbcSchemaMissingException naming the missing tables and how to create them
     */
    public void verify() {
        List<String> missing = missingTables();
        if (!missing.isEmpty()) {
            throw new JdbcSchemaMissingException(tables.prefix(), missing);
        }
    }

    /**
     * The es tables that do not exist, columns added since (as {@code table.column}) that an existing table lacks,
     * and the append function (as {@code name()}) when the tables are there without it (a database made before it
     * existed); empty when the schema is complete.
     */
    public List<String> missingTables() {
        try {
            return connections.read(connection -> {
                List<String> missing = new ArrayList<>();
                try (PreparedStatement query = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
                    for (String table : tables.all()) {
                        query.setString(1, table);
                        try (ResultSet rs = query.executeQuery()) {
                            rs.next();
                            if (!rs.getBoolean(1)) {
                                missing.add(table);
                            }
                        }
                    }
                }
                // columns added to existing tables since they were first made
                List<Map.Entry<String, String>> added = List.of(Map.entry(tables.streams(), FENCE_COLUMN),
                        Map.entry(tables.migrations(), "backup_id"), Map.entry(tables.migrations(), "audit"),
                        Map.entry(tables.migrations(), "rollback_migration_id"),
                        Map.entry(tables.migrations(), "rollback_support"));
                try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_attribute"
                        + " WHERE attrelid = to_regclass(?) AND attname = ? AND NOT attisdropped")) {
                    for (Map.Entry<String, String> column : added) {
                        if (missing.contains(column.getKey())) {
                            continue;
                        }
                        query.setString(1, column.getKey());
                        query.setString(2, column.getValue());
                        try (ResultSet rs = query.executeQuery()) {
                            if (!rs.next()) {
                                missing.add(column.getKey() + "." + column.getValue());
                            }
                        }
                    }
                }
                if (missing.isEmpty()) {
                    try (PreparedStatement query = connection.prepareStatement("SELECT to_regprocedure(?) IS NOT NULL")) {
                        query.setString(1, tables.appendFunction() + APPEND_ARGUMENTS);
                        try (ResultSet rs = query.executeQuery()) {
                            rs.next();
                            if (!rs.getBoolean(1)) {
                                missing.add(tables.appendFunction() + "()");
                            }
                        }
                    }
                }
                return missing;
            });
        } catch (SQLException e) {
            throw new JdbcStoreException("Checking the es schema failed", e);
        }
    }

    public JdbcTables tables() {
        return tables;
    }

    private static String loadScript() {
        try (InputStream in = JdbcSchema.class.getResourceAsStream(POSTGRESQL_SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException("The es schema script " + POSTGRESQL_SCRIPT + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Reading " + POSTGRESQL_SCRIPT + " failed", e);
        }
    }
}
