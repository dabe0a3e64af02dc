package dev.es.autoconfigure;

import dev.es.engine.document.DocumentStore;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.lock.LockSettings;
import dev.es.engine.lock.jdbc.JdbcLockProvider;
import dev.es.engine.migration.MigrationRoutingTable;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.jdbc.InvalidTablePrefixException;
import dev.es.engine.store.jdbc.JdbcConnections;
import dev.es.engine.store.jdbc.JdbcDocumentStore;
import dev.es.engine.store.jdbc.JdbcEventStore;
import dev.es.engine.store.jdbc.JdbcMigrationRoutingTable;
import dev.es.engine.store.jdbc.JdbcSchema;
import dev.es.engine.store.jdbc.JdbcSchemaMissingException;
import dev.es.engine.store.jdbc.JdbcTables;
import dev.es.engine.store.jdbc.JdbcTagStore;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.tag.TagStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.sql.init.DatabaseInitializationMode;

/**
 * Stores ({@code es.stores.<name>.type=jdbc}) and locks ({@code es.locks.provider=jdbc}) in the application's
 * PostgreSQL {@code DataSource}. The stores join a Spring transaction running on that {@code DataSource}
 * ({@link SpringJdbcConnections}); the lock provider always commits its leases on its own.
 * <p>
 * The tables are created, according to {@code es.jdbc.initialize-schema}, by the {@link EsJdbcSchemaInitializer}
 * (or a replacement), which Spring Boot's database-initialization ordering runs before this backend is made. Before
 * the first store or lock provider of a table prefix is handed out, the prefix is checked and its tables verified:
 * missing ones fail start-up naming {@code es.jdbc.initialize-schema}.
 */
final class JdbcStoreBackend implements EsStoreBackend, EsLockProviderBackend {

    static final String INITIALIZE_SCHEMA = "es.jdbc.initialize-schema";

    /** What a jdbc store or the jdbc lock provider needs when the application has no {@code DataSource}. */
    static final String NEEDS = "needs a DataSource: add spring-boot-starter-jdbc and a driver, and set"
            + " spring.datasource.url.";

    private static final Logger log = LoggerFactory.getLogger(JdbcStoreBackend.class);

    /** The {@code DataSource} es uses when the application defines an {@link EsDataSource @EsDataSource} one. */
    static final String ES_DATA_SOURCE = "the @EsDataSource DataSource";

    /** The application's {@code DataSource}, as start-up errors name it. */
    static final String APPLICATION_DATA_SOURCE = "spring.datasource.url";

    private final DataSource dataSource;
    private final String source;
    private final JdbcConnections connections;
    private final JdbcConnections ownTransactions;
    private final DatabaseInitializationMode initialization;
    private final Predicate<DataSource> embedded;
    private final Map<String, JdbcTables> prepared = new ConcurrentHashMap<>();

    /**
     * @param source         how start-up errors name the {@code DataSource}: {@link #ES_DATA_SOURCE} or
     *                       {@link #APPLICATION_DATA_SOURCE}
     * @param initialization the value of {@code es.jdbc.initialize-schema}, for the start-up error when tables are
     *                       missing
     * @param embedded       tells whether the database is embedded, for that error too
     */
    JdbcStoreBackend(DataSource dataSource, String source, DatabaseInitializationMode initialization,
                            Predicate<DataSource> embedded) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.source = Objects.requireNonNull(source, "source");
        this.connections = new SpringJdbcConnections(dataSource);
        this.ownTransactions = SpringJdbcConnections.ownTransactions(dataSource);
        this.initialization = Objects.requireNonNull(initialization, "initialization");
        this.embedded = Objects.requireNonNull(embedded, "embedded");
    }

    @Override
    public EsProperties.StoreType type() {
        return EsProperties.StoreType.JDBC;
    }

    @Override
    public EsProperties.LockProvider provider() {
        return EsProperties.LockProvider.JDBC;
    }

    @Override
    public EventStore eventStore(StoreSettings store, EventStreamSettings settings) {
        return new JdbcEventStore(store.name(), connections, tables(store), Clock.systemUTC());
    }

    @Override
    public DocumentStore documentStore(StoreSettings store) {
        return new JdbcDocumentStore(connections, tables(store));
    }

    @Override
    public TagStore tagStore(StoreSettings store) {
        return new JdbcTagStore(connections, tables(store));
    }

    @Override
    public MigrationRoutingTable routingTable(StoreSettings store) {
        return new JdbcMigrationRoutingTable(connections, tables(store));
    }

    /** Leases in the tables of {@code store}, each taken, renewed and released in its own transaction. */
    @Override
    public DistributedLockProvider lockProvider(StoreSettings store, LockSettings settings,
                                                ScheduledExecutorService heartbeats) {
        return new JdbcLockProvider(ownTransactions, tables(store), settings, Clock.systemUTC(), heartbeats);
    }

    /** The tables of a store, checked, and verified once per prefix. */
    private JdbcTables tables(StoreSettings store) {
        JdbcTables tables = tables(store.name(), store.tablePrefix());
        return prepared.computeIfAbsent(tables.prefix(), prefix -> verify(store.name(), tables));
    }

    /** The tables of prefix {@code prefix}, or Boot's start-up error naming {@code es.stores.<name>.table-prefix}. */
    static JdbcTables tables(String name, String prefix) {
        try {
            return new JdbcTables(prefix);
        } catch (InvalidTablePrefixException e) {
            throw new InvalidConfigurationPropertyValueException("es.stores." + name + ".table-prefix", prefix,
                    "must match " + JdbcTables.PREFIX_PATTERN + ": a lower-case letter followed by up to 30 lower-case"
                            + " letters, digits or '_', for example 'es_' (the default)");
        }
    }

    private JdbcTables verify(String name, JdbcTables tables) {
        checkPostgresql(dataSource, source, name);
        List<String> missing = new JdbcSchema(ownTransactions, tables).missingTables();
        if (!missing.isEmpty()) {
            throw new EsConfigurationException(INITIALIZE_SCHEMA, "The es tables with prefix '" + tables.prefix()
                    + "' (store '" + name + "') are missing " + missing + ", and " + INITIALIZE_SCHEMA + " "
                    + whyNotCreated() + ", so they are not created",
                    "Set " + INITIALIZE_SCHEMA + "=always to create them at start-up (CREATE ... IF NOT EXISTS and ADD"
                            + " COLUMN IF NOT EXISTS only; nothing is dropped), or create them yourself: "
                            + new JdbcSchemaMissingException(tables.prefix(), missing).getMessage());
        }
        log.debug("es tables with prefix '{}' are in place", tables.prefix());
        return tables;
    }

    private String whyNotCreated() {
        return switch (initialization) {
            case NEVER -> "is 'never'";
            case EMBEDDED -> embedded.test(dataSource)
                    ? "is 'embedded', but the schema initializer in use did not create them"
                    : "is 'embedded' and the database is not an embedded one";
            case ALWAYS -> "is 'always', but the schema initializer in use did not create them";
        };
    }

    /**
     * The stores use PostgreSQL SQL (jsonb, advisory locks); any other database fails here, not on first use.
     *
     * @param source how to name the {@code DataSource} in the error: {@link #APPLICATION_DATA_SOURCE} (the error then
     *               names {@code spring.datasource.url}) or {@link #ES_DATA_SOURCE} (it names the store's type)
     */
    static void checkPostgresql(DataSource dataSource, String source, String name) {
        boolean application = APPLICATION_DATA_SOURCE.equals(source);
        String property = application ? APPLICATION_DATA_SOURCE : "es.stores." + name + ".type";
        String product;
        try (Connection connection = dataSource.getConnection()) {
            product = connection.getMetaData().getDatabaseProductName();
        } catch (SQLException e) {
            throw new EsConfigurationException(property, "Store '" + name + "' of type jdbc cannot reach its database ("
                    + source + "): " + e.getMessage(), "Check " + source + ", the credentials and that the database"
                    + " is running.");
        }
        if (!"PostgreSQL".equalsIgnoreCase(product)) {
            throw new EsConfigurationException("es.stores." + name + ".type", "Store '" + name + "' has type jdbc,"
                    + " but " + (application ? "the DataSource" : source) + " is " + product
                    + "; jdbc stores need PostgreSQL", "Point " + source + " at a PostgreSQL database, or use"
                    + " another store type.");
        }
    }
}
