package dev.es.autoconfigure;

import dev.es.autoconfigure.EsProperties.BackupProvider;
import dev.es.engine.Identifiers;
import dev.es.engine.InvalidIdentifierException;
import dev.es.engine.backup.BackupRetention;
import dev.es.engine.lock.LockSettings;
import dev.es.engine.migration.MigrationDefaults;
import dev.es.engine.resilience.ResilienceSettings;
import dev.es.engine.stream.EventStreamSettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;

/**
 * Checks {@link EsProperties} and turns them into engine settings. A value that is wrong on its own is reported
 * through Spring Boot's {@link InvalidConfigurationPropertyValueException} (property, value, reason); a value that
 * only conflicts with another property through {@link EsConfigurationException}, whose analyzer names both.
 */
final class EsSettings {

    private static final Logger log = LoggerFactory.getLogger(EsSettings.class);

    private EsSettings() {
    }

    static EventStreamSettings streams(EsProperties properties) {
        EsProperties.Streams s = properties.getStreams();
        if (s.getMaxStreamContinuationRetries() < 0) {
            throw invalid("es.streams.max-stream-continuation-retries", s.getMaxStreamContinuationRetries(),
                    "must not be negative; set it to 0 or more (default 3)");
        }
        if (s.getChunkSize() < 1) {
            throw invalid("es.streams.chunk-size", s.getChunkSize(),
                    "must be 1 or more; set a positive number of events (default 1000)");
        }
        return new EventStreamSettings(s.isAutoRetryOnStreamClosure(), s.getMaxStreamContinuationRetries(),
                s.getChunkSize());
    }

    /**
     * The stores in effect: those under {@code es.stores}, or one memory store named after {@code es.default-store}
     * when none is configured; with the documents store ({@code es.documents.store}, else the default store) and the
     * locks store ({@code es.locks.store}, else the documents store). Whether the names fit is checked by
     * {@link EsStoreResolver}, which reports it.
     */
    static ConfiguredStores stores(EsProperties properties) {
        storeName("es.default-store", properties.getDefaultStore());
        properties.getStores().keySet().forEach(name -> storeName("es.stores." + name, name));
        storeName("es.documents.store", properties.getDocuments().getStore());
        storeName("es.locks.store", properties.getLocks().getStore());
        Map<String, StoreSettings> stores = new LinkedHashMap<>();
        if (properties.getStores().isEmpty()) {
            stores.put(properties.getDefaultStore(), StoreSettings.of(properties.getDefaultStore(),
                    new EsProperties.Store()));
        } else {
            properties.getStores().forEach((name, store) -> stores.put(name, StoreSettings.of(name, store)));
        }
        String documents = orElse(properties.getDocuments().getStore(), properties.getDefaultStore());
        String locks = orElse(properties.getLocks().getStore(), documents);
        return new ConfiguredStores(stores, properties.getDefaultStore(), documents, locks);
    }

    /**
     * Names, in a warning, a container set on a store that is not blob: it is not used. A warning, not a failure: a
     * profile layered over another often leaves one behind (an empty value takes it back, as the sample's
     * {@code postgres & azure} document does).
     */
    static void warnUnusedContainers(EsProperties properties) {
        properties.getStores().forEach((name, store) -> {
            if (store.getType() != EsProperties.StoreType.BLOB && store.getContainer() != null
                    && !store.getContainer().isBlank()) {
                log.warn("es.stores.{}.container ({}) is set, but store '{}' is of type {}: only a blob store has a"
                        + " container, so it is not used", name, store.getContainer(), name,
                        store.getType().name().toLowerCase(Locale.ROOT));
            }
        });
    }

    /** What a store reads under {@code es.stores.<name>}, in the binder's relaxed form (lower case, no dashes). */
    private static final Set<String> STORE_KEYS = Set.of("type", "container", "autoprovision", "tableprefix");

    /**
     * Refuses a key under {@code es.stores.<name>} that no store setting reads: Spring Boot ignores it, so a typo such
     * as {@code tpye: jdbc} would quietly leave an in-memory store that loses its events at every restart.
     */
    static void checkStoreKeys(Environment environment) {
        Map<String, Object> stores = Binder.get(environment)
                .bind("es.stores", Bindable.mapOf(String.class, Object.class)).orElse(Map.of());
        stores.forEach((name, keys) -> {
            if (!(keys instanceof Map<?, ?> map)) {
                throw invalid("es.stores." + name, keys, "is a store, so it needs settings such as type, not a value");
            }
            Map<String, Object> flat = new LinkedHashMap<>();
            flatten("", map, flat);
            flat.forEach((key, value) -> {
                // ES_STORES_MAIN_TABLE_PREFIX reaches the map as table.prefix: dots go as dashes do
                String relaxed = key.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "").replace(".", "");
                if (!STORE_KEYS.contains(relaxed)) {
                    int dot = key.lastIndexOf('.');
                    throw invalid("es.stores." + name + "." + key, value, "no store setting has this name; a store"
                            + " reads type, container, auto-provision and table-prefix" + (dot < 0 ? ""
                            : " (a store name with a dot needs brackets: es.stores.[" + name + "."
                            + key.substring(0, dot) + "]." + key.substring(dot + 1) + ")"));
                }
            });
        });
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, Object> into) {
        map.forEach((key, value) -> {
            String name = prefix + key;
            if (value instanceof Map<?, ?> nested) {
                flatten(name + ".", nested, into);
            } else {
                into.put(name, value);
            }
        });
    }

    /**
     * A store name reaches blob paths, SQL values and metric tags: one that is not an identifier (a path separator,
     * a dot-only name, white space) fails start-up naming {@code property}. {@code null} (unset) passes.
     */
    private static void storeName(String property, @Nullable String name) {
        if (name == null) {
            return;
        }
        try {
            Identifiers.requireStoreName(name);
        } catch (InvalidIdentifierException e) {
            throw invalid(property, name, e.getMessage().substring(e.getMessage().indexOf(": ") + 2)
                    + "; store names use letters, digits, '.', '_' and '-' only, like main or archive");
        }
    }

    private static String orElse(@Nullable String configured, String fallback) {
        return configured == null || configured.isBlank() ? fallback : configured;
    }

    static MigrationDefaults migration(EsProperties properties) {
        EsProperties.Migration m = properties.getMigration();
        return new MigrationDefaults(
                nonNegative("es.migration.close-timeout", m.getCloseTimeout()),
                nonNegative("es.migration.catch-up-delay", m.getCatchUpDelay()),
                m.getConvergenceFailure(),
                nonNegative("es.migration.max-source-pause", m.getMaxSourcePause()),
                nonNegative("es.migration.lock-wait", m.getLockWait()),
                nonNegative("es.migration.close-attempts-before-pause", m.getCloseAttemptsBeforePause()),
                rate("es.migration.max-events-per-second", m.getMaxEventsPerSecond()));
    }

    private static double rate(String property, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw invalid(property, value, "must be 0 (no limit) or a positive number of events per second, like"
                    + " 500");
        }
        return value;
    }

    /** The resilience of store calls ({@code es.resilience.*}), each value checked on its own. */
    static ResilienceSettings resilience(EsProperties properties) {
        EsProperties.Resilience r = properties.getResilience();
        EsProperties.Resilience.CircuitBreaker cb = r.getCircuitBreaker();
        if (r.getMaxAttempts() < 1) {
            throw invalid("es.resilience.max-attempts", r.getMaxAttempts(),
                    "must be 1 or more (1: no retry); set how many attempts a store call gets (default 5)");
        }
        Duration initial = positive("es.resilience.initial-backoff", r.getInitialBackoff());
        Duration max = positive("es.resilience.max-backoff", r.getMaxBackoff());
        if (max.compareTo(initial) < 0) {
            throw bad("es.resilience.max-backoff", "(" + max + ") must not be shorter than es.resilience.initial-backoff ("
                    + initial + ")", "Set es.resilience.max-backoff to at least es.resilience.initial-backoff.");
        }
        if (!(r.getBackoffMultiplier() >= 1) || Double.isInfinite(r.getBackoffMultiplier())) {
            throw invalid("es.resilience.backoff-multiplier", r.getBackoffMultiplier(),
                    "must be 1 or more; set how much the pause grows after each attempt (default 2)");
        }
        if (cb.getFailureRateThreshold() < 1 || cb.getFailureRateThreshold() > 100) {
            throw invalid("es.resilience.circuit-breaker.failure-rate-threshold", cb.getFailureRateThreshold(),
                    "must be a percentage from 1 to 100 (default 50)");
        }
        if (cb.getSlidingWindowSize() < 1) {
            throw invalid("es.resilience.circuit-breaker.sliding-window-size", cb.getSlidingWindowSize(),
                    "must be 1 or more calls (default 20)");
        }
        if (cb.getMinimumNumberOfCalls() < 1) {
            throw invalid("es.resilience.circuit-breaker.minimum-number-of-calls", cb.getMinimumNumberOfCalls(),
                    "must be 1 or more calls (default 10)");
        }
        if (cb.getMinimumNumberOfCalls() > cb.getSlidingWindowSize()) {
            throw bad("es.resilience.circuit-breaker.minimum-number-of-calls", "(" + cb.getMinimumNumberOfCalls()
                    + ") must not be more than es.resilience.circuit-breaker.sliding-window-size ("
                    + cb.getSlidingWindowSize() + "): the breaker only ever counts that many calls",
                    "Set es.resilience.circuit-breaker.minimum-number-of-calls to at most the window size.");
        }
        Duration openWait = positive("es.resilience.circuit-breaker.wait-in-open-state", cb.getWaitInOpenState());
        return new ResilienceSettings(r.getMaxAttempts(), initial, max, r.getBackoffMultiplier(), cb.isEnabled(),
                cb.getFailureRateThreshold(), cb.getSlidingWindowSize(), cb.getMinimumNumberOfCalls(), openWait);
    }

    static int maxConcurrentMigrations(EsProperties properties) {
        int value = properties.getMigration().getMaxConcurrent();
        if (value < 1) {
            throw invalid("es.migration.max-concurrent", value,
                    "must be 1 or more; set how many migrations may run at once (default 64)");
        }
        return value;
    }

    private static int nonNegative(String property, int value) {
        if (value < 0) {
            throw invalid(property, value, "must not be negative; set it to 0 or more");
        }
        return value;
    }

    static LockSettings locks(EsProperties properties) {
        EsProperties.Locks l = properties.getLocks();
        Duration lease = positive("es.locks.lease-duration", l.getLeaseDuration());
        Duration heartbeat = positive("es.locks.heartbeat-interval", l.getHeartbeatInterval());
        @SuppressWarnings("deprecation")
        Duration unread = l.getMaxAcquireWait();
        if (unread != null) {
            log.warn("es.locks.max-acquire-wait ({}) is deprecated and not read: a migration waits for its object's"
                    + " lock es.migration.lock-wait (default 0: refused at once while another migration holds it)",
                    unread);
        }
        if (heartbeat.compareTo(lease) >= 0) {
            throw bad("es.locks.heartbeat-interval", "(" + heartbeat + ") must be shorter than es.locks.lease-duration ("
                    + lease + ")", "Renew leases well before they expire, for example every 10s for 60s leases.");
        }
        return new LockSettings(lease, heartbeat);
    }

    /**
     * The backup settings in effect: a blob provider needs {@code es.backup.container}, the file provider a location;
     * the retention limits, when set, must be positive.
     */
    static BackupSettings backup(EsProperties properties) {
        EsProperties.Backup b = properties.getBackup();
        BackupProvider provider = b.getProvider();
        if (provider == BackupProvider.FILE && (b.getLocation() == null || b.getLocation().isBlank())) {
            throw invalid("es.backup.location", b.getLocation(),
                    "must not be empty; set the directory of the backups, like ./es-backups");
        }
        String container = b.getContainer();
        if (provider == BackupProvider.FILE && container != null && !container.isBlank()) {
            // a warning, not a failure: a profile layered over another often leaves such a setting behind
            log.warn("es.backup.container ({}) is set, but es.backup.provider is file: backups go to {}, not to a"
                    + " container; set es.backup.provider=blob to use it", container, b.getLocation());
        }
        if (provider == BackupProvider.BLOB && (container == null || container.isBlank())) {
            throw bad("es.backup.container", "is not set, but es.backup.provider is blob", "Set es.backup.container"
                    + " to the name of the blob container holding the backups, for example"
                    + " es.backup.container=es-backups, or use es.backup.provider=file.");
        }
        EsProperties.Backup.Retention r = b.getRetention();
        Duration maxAge = r.getMaxAge();
        if (maxAge != null) {
            // no upper limit: a retention is subtracted from an instant, never added to a clock's deadline
            positiveOfAnyLength("es.backup.retention.max-age", maxAge);
        }
        Integer maxCount = r.getMaxCount();
        if (maxCount != null && maxCount < 1) {
            throw invalid("es.backup.retention.max-count", maxCount, "must be 1 or more; set how many backups to"
                    + " keep per object, or leave it unset to keep them all");
        }
        return new BackupSettings(provider, b.getLocation() == null ? "" : b.getLocation(),
                provider == BackupProvider.BLOB ? container : null, b.isAutoProvision(),
                new BackupRetention(maxAge, maxCount));
    }

    static Duration nonNegative(String property, Duration value) {
        if (value == null || value.isNegative()) {
            throw invalid(property, value, "must not be negative; set a duration of zero or more, like 30s");
        }
        return notHuge(property, value);
    }

    static Duration positive(String property, Duration value) {
        return notHuge(property, positiveOfAnyLength(property, value));
    }

    private static Duration positiveOfAnyLength(String property, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw invalid(property, value, "must be positive; set a positive duration, like 30s");
        }
        return value;
    }

    private static Duration notHuge(String property, Duration value) {
        if (value.compareTo(MigrationDefaults.MAX_DURATION) > 0) {
            throw invalid(property, value, "must be at most " + MigrationDefaults.MAX_DURATION.toDays() + " days");
        }
        return value;
    }

    /** A value wrong on its own, reported by Spring Boot's analyzer with the property's origin. */
    static InvalidConfigurationPropertyValueException invalid(String property, Object value, String reason) {
        return new InvalidConfigurationPropertyValueException(property, value, reason);
    }

    /** A value that conflicts with another property or with what the application provides. */
    static EsConfigurationException bad(String property, String problem, String action) {
        return new EsConfigurationException(property, property + " " + problem, action);
    }
}
