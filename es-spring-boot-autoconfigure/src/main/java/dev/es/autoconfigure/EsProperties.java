package dev.es.autoconfigure;

import dev.es.engine.migration.ConvergenceFailureStrategy;
import dev.es.engine.migration.DefaultEventStreamMigrationService;
import dev.es.engine.migration.MigrationDefaults;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.DeprecatedConfigurationProperty;
import org.springframework.boot.sql.init.DatabaseInitializationMode;

/** Configuration of es: stores, streams, locks, migrations, backups. */
@ConfigurationProperties("es")
public class EsProperties {

    /** Whether es is auto-configured at all. */
    private boolean enabled = true;

    /** Name of the configured store new documents get their first stream in. */
    private String defaultStore = "main";

    /** Event stores by name. When none is configured, one memory store named "main" is used. */
    private Map<String, Store> stores = new LinkedHashMap<>();

    private final Documents documents = new Documents();
    private final Streams streams = new Streams();
    private final Locks locks = new Locks();
    private final Migration migration = new Migration();
    private final Resilience resilience = new Resilience();
    private final Jdbc jdbc = new Jdbc();
    private final Backup backup = new Backup();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getDefaultStore() {
        return defaultStore;
    }

    public void setDefaultStore(String defaultStore) {
        this.defaultStore = defaultStore;
    }

    public Map<String, Store> getStores() {
        return stores;
    }

    public void setStores(Map<String, Store> stores) {
        this.stores = stores;
    }

    public Documents getDocuments() {
        return documents;
    }

    public Streams getStreams() {
        return streams;
    }

    public Locks getLocks() {
        return locks;
    }

    public Migration getMigration() {
        return migration;
    }

    public Jdbc getJdbc() {
        return jdbc;
    }

    public Resilience getResilience() {
        return resilience;
    }

    public Backup getBackup() {
        return backup;
    }

    /** The kinds of store, the values of {@code es.stores.<name>.type}. */
    public enum StoreType {

        /** In memory, gone at restart: the embedded default. */
        MEMORY("memory"),
        /** Azure Blob Storage, on the application's {@code BlobServiceClient}. */
        BLOB("blob"),
        /** PostgreSQL, on the application's {@code DataSource}. */
        JDBC("jdbc");

        private final String value;

        StoreType(String value) {
            this.value = value;
        }

        /** The value as written in configuration (what start-up errors list). */
        @Override
        public String toString() {
            return value;
        }
    }

    /** The kinds of lock provider, the values of {@code es.locks.provider}. */
    public enum LockProvider {

        /** Locks of this process only: the embedded default. */
        MEMORY("memory"),
        /** Blob leases in the container of the locks store. */
        BLOB("blob"),
        /** Lease rows in the database of the locks store. */
        JDBC("jdbc");

        private final String value;

        LockProvider(String value) {
            this.value = value;
        }

        /** The value as written in configuration (what start-up errors list). */
        @Override
        public String toString() {
            return value;
        }
    }

    /** Where backups are kept, the values of {@code es.backup.provider}. */
    public enum BackupProvider {

        /** A directory ({@code es.backup.location}): the embedded default. */
        FILE("file"),
        /** A blob container ({@code es.backup.container}) of the application's {@code BlobServiceClient}. */
        BLOB("blob");

        private final String value;

        BackupProvider(String value) {
            this.value = value;
        }

        /** The value as written in configuration (what start-up errors list), also the storage's name. */
        @Override
        public String toString() {
            return value;
        }
    }

    /** One event store. */
    public static class Store {

        /** Kind of store: memory, blob or jdbc. */
        private StoreType type = StoreType.MEMORY;

        /** Blob container holding this store's streams (type blob). */
        private @Nullable String container;

        /** Whether a missing blob container is created at start-up (type blob). Nothing is ever deleted. */
        private boolean autoProvision = true;

        /** Prefix of this store's tables (type jdbc). */
        private String tablePrefix = "es_";

        public StoreType getType() {
            return type;
        }

        public void setType(StoreType type) {
            this.type = type;
        }

        public @Nullable String getContainer() {
            return container;
        }

        public void setContainer(@Nullable String container) {
            this.container = container;
        }

        public boolean isAutoProvision() {
            return autoProvision;
        }

        public void setAutoProvision(boolean autoProvision) {
            this.autoProvision = autoProvision;
        }

        public String getTablePrefix() {
            return tablePrefix;
        }

        public void setTablePrefix(String tablePrefix) {
            this.tablePrefix = tablePrefix;
        }
    }

    /** Where object documents, tags and the migration routing table are kept. */
    public static class Documents {

        /** Name of the configured store that holds documents, tags and migration entries; the default store if unset. */
        private @Nullable String store;

        public @Nullable String getStore() {
            return store;
        }

        public void setStore(@Nullable String store) {
            this.store = store;
        }
    }

    /** Behaviour of event streams. */
    public static class Streams {

        /** Whether an append to a closed stream is retried on its continuation. */
        private boolean autoRetryOnStreamClosure = true;

        /** Most continuation hops one append may follow. */
        private int maxStreamContinuationRetries = 3;

        /** Events per read page and per chunk of chunked stores. */
        private int chunkSize = 1000;

        public boolean isAutoRetryOnStreamClosure() {
            return autoRetryOnStreamClosure;
        }

        public void setAutoRetryOnStreamClosure(boolean autoRetryOnStreamClosure) {
            this.autoRetryOnStreamClosure = autoRetryOnStreamClosure;
        }

        public int getMaxStreamContinuationRetries() {
            return maxStreamContinuationRetries;
        }

        public void setMaxStreamContinuationRetries(int maxStreamContinuationRetries) {
            this.maxStreamContinuationRetries = maxStreamContinuationRetries;
        }

        public int getChunkSize() {
            return chunkSize;
        }

        public void setChunkSize(int chunkSize) {
            this.chunkSize = chunkSize;
        }
    }

    /** Distributed locks taken by migrations. */
    public static class Locks {

        /**
         * Lock provider: memory (this process only), blob (blob leases in the locks store's container) or jdbc (lease
         * rows in the locks store's database).
         */
        private LockProvider provider = LockProvider.MEMORY;

        /** Name of the configured store whose container or database holds the locks; the documents store if unset. */
        private @Nullable String store;

        /** How long a lease lives without renewal. */
        private Duration leaseDuration = Duration.ofSeconds(60);

        /** How often a held lease is renewed. */
        private Duration heartbeatInterval = Duration.ofSeconds(10);

        /** Not read: a migration waits for its object's lock es.migration.lock-wait. */
        private @Nullable Duration maxAcquireWait;

        public LockProvider getProvider() {
            return provider;
        }

        public void setProvider(LockProvider provider) {
            this.provider = provider;
        }

        public @Nullable String getStore() {
            return store;
        }

        public void setStore(@Nullable String store) {
            this.store = store;
        }

        public Duration getLeaseDuration() {
            return leaseDuration;
        }

        public void setLeaseDuration(Duration leaseDuration) {
            this.leaseDuration = leaseDuration;
        }

        public Duration getHeartbeatInterval() {
            return heartbeatInterval;
        }

        public void setHeartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = heartbeatInterval;
        }

        /** Never read by es; start-up logs a warning when it is set. */
        @Deprecated
        @DeprecatedConfigurationProperty(replacement = "es.migration.lock-wait", reason = "Never read: the only lock"
                + " wait es makes is a migration's for its object's lock, es.migration.lock-wait.")
        public @Nullable Duration getMaxAcquireWait() {
            return maxAcquireWait;
        }

        @Deprecated
        public void setMaxAcquireWait(@Nullable Duration maxAcquireWait) {
            this.maxAcquireWait = maxAcquireWait;
        }
    }

    /** Defaults of live migrations. */
    public static class Migration {

        /** How long writers may keep the close from winning before the convergence strategy acts. */
        private Duration closeTimeout = Duration.ofMinutes(5);

        /** Pause between catch-up iterations that lost the close race. */
        private Duration catchUpDelay = Duration.ofMillis(100);

        /**
         * How the close is made to win against busy writers: pause-source (hold the writers through the store for
         * the last copy and the close), keep-trying (never hold writers) or fail (never hold, fail after the close
         * timeout).
         */
        private ConvergenceFailureStrategy convergenceFailure = ConvergenceFailureStrategy.PAUSE_SOURCE;

        /** Closes lost to writers (with catch-up within a page) before pause-source holds them. */
        private int closeAttemptsBeforePause = MigrationDefaults.DEFAULT_CLOSE_ATTEMPTS_BEFORE_PAUSE;

        /** Longest the writers of an object are held for the close (pause-source). */
        private Duration maxSourcePause = Duration.ofSeconds(5);

        /** How long a migration waits for another migration of the same object before it is refused. */
        private Duration lockWait = Duration.ZERO;

        /** Longest wait, at shutdown, for running migrations to reach a safe point and pause. */
        private Duration shutdownTimeout = Duration.ofSeconds(30);

        /** How many migrations run at once in this process; more wait, pending, in the order they were started. */
        private int maxConcurrent = DefaultEventStreamMigrationService.DEFAULT_MAX_CONCURRENT_MIGRATIONS;

        /**
         * The most source events a migration copies per second, on average, to spare the stores (0: as fast as they
         * allow). A migration may set its own with maxEventsPerSecond. The copy made while writers are held for the
         * close is never slowed.
         */
        private double maxEventsPerSecond;

        public double getMaxEventsPerSecond() {
            return maxEventsPerSecond;
        }

        public void setMaxEventsPerSecond(double maxEventsPerSecond) {
            this.maxEventsPerSecond = maxEventsPerSecond;
        }

        public int getMaxConcurrent() {
            return maxConcurrent;
        }

        public void setMaxConcurrent(int maxConcurrent) {
            this.maxConcurrent = maxConcurrent;
        }

        public Duration getCloseTimeout() {
            return closeTimeout;
        }

        public void setCloseTimeout(Duration closeTimeout) {
            this.closeTimeout = closeTimeout;
        }

        public Duration getCatchUpDelay() {
            return catchUpDelay;
        }

        public void setCatchUpDelay(Duration catchUpDelay) {
            this.catchUpDelay = catchUpDelay;
        }

        public ConvergenceFailureStrategy getConvergenceFailure() {
            return convergenceFailure;
        }

        public void setConvergenceFailure(ConvergenceFailureStrategy convergenceFailure) {
            this.convergenceFailure = convergenceFailure;
        }

        public int getCloseAttemptsBeforePause() {
            return closeAttemptsBeforePause;
        }

        public void setCloseAttemptsBeforePause(int closeAttemptsBeforePause) {
            this.closeAttemptsBeforePause = closeAttemptsBeforePause;
        }

        public Duration getMaxSourcePause() {
            return maxSourcePause;
        }

        public void setMaxSourcePause(Duration maxSourcePause) {
            this.maxSourcePause = maxSourcePause;
        }

        public Duration getLockWait() {
            return lockWait;
        }

        public void setLockWait(Duration lockWait) {
            this.lockWait = lockWait;
        }

        public Duration getShutdownTimeout() {
            return shutdownTimeout;
        }

        public void setShutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = shutdownTimeout;
        }
    }

    /**
     * How migrations meet transient store errors (a lost connection, a timeout, throttling): retried with a jittered,
     * growing backoff, and a circuit breaker per store that fails calls fast while the store keeps failing.
     */
    public static class Resilience {

        /** Attempts of one store call in all, the first included (1: no retry). Appends are never retried here. */
        private int maxAttempts = 5;

        /** Pause before the second attempt; each further pause grows by the backoff multiplier. */
        private Duration initialBackoff = Duration.ofMillis(100);

        /** Longest pause between two attempts. */
        private Duration maxBackoff = Duration.ofSeconds(5);

        /** How much the pause grows after each failed attempt (1 or more). */
        private double backoffMultiplier = 2.0;

        private final CircuitBreaker circuitBreaker = new CircuitBreaker();

        public int getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public Duration getInitialBackoff() {
            return initialBackoff;
        }

        public void setInitialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
        }

        public Duration getMaxBackoff() {
            return maxBackoff;
        }

        public void setMaxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
        }

        public double getBackoffMultiplier() {
            return backoffMultiplier;
        }

        public void setBackoffMultiplier(double backoffMultiplier) {
            this.backoffMultiplier = backoffMultiplier;
        }

        public CircuitBreaker getCircuitBreaker() {
            return circuitBreaker;
        }

        /** The circuit breaker of each store. */
        public static class CircuitBreaker {

            /** Whether a circuit breaker per store refuses calls at once while the store keeps failing. */
            private boolean enabled = true;

            /** Percentage of transient failures among the last calls that opens the breaker (1 to 100). */
            private int failureRateThreshold = 50;

            /** How many of the last calls the failure rate is taken over. */
            private int slidingWindowSize = 20;

            /** How many calls the window needs before the failure rate counts. */
            private int minimumNumberOfCalls = 10;

            /** How long an open breaker refuses calls before it lets a few through to test the store. */
            private Duration waitInOpenState = Duration.ofSeconds(30);

            public boolean isEnabled() {
                return enabled;
            }

            public void setEnabled(boolean enabled) {
                this.enabled = enabled;
            }

            public int getFailureRateThreshold() {
                return failureRateThreshold;
            }

            public void setFailureRateThreshold(int failureRateThreshold) {
                this.failureRateThreshold = failureRateThreshold;
            }

            public int getSlidingWindowSize() {
                return slidingWindowSize;
            }

            public void setSlidingWindowSize(int slidingWindowSize) {
                this.slidingWindowSize = slidingWindowSize;
            }

            public int getMinimumNumberOfCalls() {
                return minimumNumberOfCalls;
            }

            public void setMinimumNumberOfCalls(int minimumNumberOfCalls) {
                this.minimumNumberOfCalls = minimumNumberOfCalls;
            }

            public Duration getWaitInOpenState() {
                return waitInOpenState;
            }

            public void setWaitInOpenState(Duration waitInOpenState) {
                this.waitInOpenState = waitInOpenState;
            }
        }
    }

    /** JDBC stores. */
    public static class Jdbc {

        /**
         * When the es tables of jdbc stores and jdbc locks are created at start-up: always, embedded (only for an
         * embedded database) or never. Creation only adds what is missing; nothing is dropped.
         */
        private DatabaseInitializationMode initializeSchema = DatabaseInitializationMode.EMBEDDED;

        public DatabaseInitializationMode getInitializeSchema() {
            return initializeSchema;
        }

        public void setInitializeSchema(DatabaseInitializationMode initializeSchema) {
            this.initializeSchema = initializeSchema;
        }
    }

    /** Backups of objects ({@code BackupRestoreService}). */
    public static class Backup {

        /** Where backups are kept: file (a directory, es.backup.location) or blob (a container, es.backup.container). */
        private BackupProvider provider = BackupProvider.FILE;

        /** Directory holding the backups (provider file); created when the first backup is written. */
        private String location = "./es-backups";

        /** Blob container holding the backups (provider blob; required then). */
        private @Nullable String container;

        /** Whether a missing backup container is created at start-up (provider blob). Nothing is ever deleted. */
        private boolean autoProvision = true;

        private final Retention retention = new Retention();

        public BackupProvider getProvider() {
            return provider;
        }

        public void setProvider(BackupProvider provider) {
            this.provider = provider;
        }

        public String getLocation() {
            return location;
        }

        public void setLocation(String location) {
            this.location = location;
        }

        public @Nullable String getContainer() {
            return container;
        }

        public void setContainer(@Nullable String container) {
            this.container = container;
        }

        public boolean isAutoProvision() {
            return autoProvision;
        }

        public void setAutoProvision(boolean autoProvision) {
            this.autoProvision = autoProvision;
        }

        public Retention getRetention() {
            return retention;
        }

        /** Which backups BackupRestoreService.applyRetention() deletes, per object; unset keeps them all. */
        public static class Retention {

            /** Age beyond which applyRetention() deletes a backup; unset keeps backups of any age. */
            private @Nullable Duration maxAge;

            /** Newest backups per object that applyRetention() keeps, 1 or more; unset keeps any number. */
            private @Nullable Integer maxCount;

            public @Nullable Duration getMaxAge() {
                return maxAge;
            }

            public void setMaxAge(@Nullable Duration maxAge) {
                this.maxAge = maxAge;
            }

            public @Nullable Integer getMaxCount() {
                return maxCount;
            }

            public void setMaxCount(@Nullable Integer maxCount) {
                this.maxCount = maxCount;
            }
        }
    }
}
