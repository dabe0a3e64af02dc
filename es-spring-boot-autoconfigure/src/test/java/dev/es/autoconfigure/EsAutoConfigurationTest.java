package dev.es.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.resilience.ResilienceSettings;
import dev.es.engine.document.DocumentStore;
import dev.es.engine.event.EventData;
import dev.es.engine.event.EventSerializer;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.lock.LeaseLockProvider;
import dev.es.engine.lock.memory.InMemoryLockProvider;
import dev.es.engine.migration.ConvergenceFailureStrategy;
import dev.es.engine.migration.DefaultEventStreamMigrationService;
import dev.es.engine.migration.EventStreamMigrationService;
import dev.es.engine.migration.MigrationRoutingTable;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.memory.InMemoryDocumentStore;
import dev.es.engine.store.memory.InMemoryEventStore;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import dev.es.engine.tag.TagStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

class EsAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EsStoresAutoConfiguration.class,
                    EsStreamsAutoConfiguration.class, EsLocksAutoConfiguration.class,
                    EsMigrationAutoConfiguration.class));

    /** Every es auto-configuration, as in an application: the blob and jdbc ones say what their stores need. */
    private final ApplicationContextRunner allEs = runner
            .withConfiguration(AutoConfigurations.of(EsBlobAutoConfiguration.class, EsJdbcAutoConfiguration.class));

    @Test
    void runWithoutPropertiesShouldUseTheEmbeddedDefaults() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            EventStoreRegistry stores = context.getBean(EventStoreRegistry.class);
            assertThat(stores.names()).containsExactly("main");
            assertThat(stores.get("main")).isInstanceOf(InMemoryEventStore.class);
            assertThat(context.getBean(EventStreamSettings.class)).isEqualTo(EventStreamSettings.defaults());
            assertThat(context.getBean(DocumentStore.class)).isInstanceOf(InMemoryDocumentStore.class);
            assertThat(context).hasSingleBean(TagStore.class).hasSingleBean(MigrationRoutingTable.class)
                    .hasSingleBean(EventSerializer.class).hasSingleBean(EventStreamMigrationService.class)
                    .hasSingleBean(MigrationShutdown.class);
            assertThat(context.getBean(DistributedLockProvider.class)).isInstanceOf(InMemoryLockProvider.class);
            EventStreams streams = context.getBean(EventStreams.class);
            assertThat(streams.defaultStore()).isEqualTo("main");
            assertThat(context.getBean(DefaultEventStreamMigrationService.class).defaults().closeTimeout())
                    .isEqualTo(Duration.ofMinutes(5));

            streams.open("Order", "1").append(EventData.of("OrderPlaced", "{}"));
            assertThat(stores.get("main").version("order-1")).isEqualTo(1);
        });
    }

    @Test
    void eachPropertyChangesItsBean() {
        runner.withPropertyValues("es.stores.hot.type=memory", "es.stores.cold.type=memory",
                        "es.default-store=cold", "es.documents.store=hot",
                        "es.streams.auto-retry-on-stream-closure=false",
                        "es.streams.max-stream-continuation-retries=5", "es.streams.chunk-size=50",
                        "es.locks.lease-duration=20s", "es.locks.heartbeat-interval=5s",
                        "es.migration.close-timeout=1m", "es.migration.catch-up-delay=10ms",
                        "es.migration.convergence-failure=pause-source", "es.migration.lock-wait=2s",
                        "es.migration.max-events-per-second=250.5")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(EventStoreRegistry.class).names()).containsExactly("hot", "cold");
                    assertThat(context.getBean(EventStreams.class).defaultStore()).isEqualTo("cold");
                    assertThat(context.getBean(EventStreamSettings.class))
                            .isEqualTo(new EventStreamSettings(false, 5, 50));
                    LeaseLockProvider locks = (LeaseLockProvider) context.getBean(DistributedLockProvider.class);
                    assertThat(locks.settings().leaseDuration()).isEqualTo(Duration.ofSeconds(20));
                    assertThat(locks.settings().heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
                    var defaults = context.getBean(DefaultEventStreamMigrationService.class).defaults();
                    assertThat(defaults.closeTimeout()).isEqualTo(Duration.ofMinutes(1));
                    assertThat(defaults.catchUpDelay()).isEqualTo(Duration.ofMillis(10));
                    assertThat(defaults.convergenceFailure()).isEqualTo(ConvergenceFailureStrategy.PAUSE_SOURCE);
                    assertThat(defaults.lockWait()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(defaults.maxEventsPerSecond()).isEqualTo(250.5);
                });
    }

    @Test
    void userBeansBackTheAutoConfiguredOnesOff() {
        EventStoreRegistry registry = EventStoreRegistry.of(new InMemoryEventStore("custom"));
        InMemoryLockProvider locks = new InMemoryLockProvider();
        JsonMapper mapper = JsonMapper.builder().build();
        runner.withPropertyValues("es.default-store=custom")
                .withBean(EventStoreRegistry.class, () -> registry)
                .withBean(DistributedLockProvider.class, () -> locks)
                .withBean(EventStreamSettings.class, () -> new EventStreamSettings(true, 1, 10))
                .withBean(JsonMapper.class, () -> mapper)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(EventStoreRegistry.class)).isSameAs(registry);
                    assertThat(context.getBean(DistributedLockProvider.class)).isSameAs(locks);
                    assertThat(context.getBean(EventStreamSettings.class).chunkSize()).isEqualTo(10);
                    assertThat(context.getBean(EventStreams.class).stores()).isSameAs(registry);
                });
    }

    @Test
    void migrationsAreObservedOnTheApplicationsObservationRegistry() {
        List<io.micrometer.observation.Observation.Context> stopped =
                java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        io.micrometer.observation.ObservationRegistry observations = io.micrometer.observation.ObservationRegistry
                .create();
        observations.observationConfig().observationHandler(
                new io.micrometer.observation.ObservationHandler<io.micrometer.observation.Observation.Context>() {
                    @Override
                    public boolean supportsContext(io.micrometer.observation.Observation.Context context) {
                        return true;
                    }

                    @Override
                    public void onStop(io.micrometer.observation.Observation.Context context) {
                        stopped.add(context);
                    }
                });
        runner.withConfiguration(AutoConfigurations.of(EsMetricsAutoConfiguration.class))
                .withBean(io.micrometer.observation.ObservationRegistry.class, () -> observations)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    context.getBean(EventStreams.class).open("Order", "7").append(EventData.of("OrderPlaced", "{}"));
                    var result = context.getBean(EventStreamMigrationService.class).forDocument("Order", "7")
                            .execute();
                    assertThat(result.isSuccess()).isTrue();
                    assertThat(stopped).singleElement().satisfies(c -> {
                        assertThat(c.getName()).isEqualTo("es.migration");
                        assertThat(c.getLowCardinalityKeyValue("status").getValue()).isEqualTo("COMPLETED");
                        assertThat(c.getHighCardinalityKeyValue("migration.id").getValue())
                                .isEqualTo(result.migrationId());
                    });
                });
    }

    @Test
    void esEnabledFalseTurnsEverythingOff() {
        runner.withPropertyValues("es.enabled=false").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(EventStreams.class).doesNotHaveBean(EventStreamMigrationService.class);
        });
    }

    @Test
    void unknownStoreTypeFailsNamingThePropertyAndListingTheAllowedValues() {
        runner.withPropertyValues("es.stores.main.type=cassandra").run(context -> {
            assertFailure(context, "es.stores.main.type", "cassandra", "memory");
            assertThat(FailureReports.analyze(context.getStartupFailure()).getAction())
                    .contains("memory", "blob", "jdbc");
        });
    }

    @Test
    void defaultStoreThatIsNotConfiguredFailsNamingTheProperty() {
        runner.withPropertyValues("es.stores.primary.type=memory").run(context ->
                assertFailure(context, "es.default-store", "'main'", "primary"));
    }

    @Test
    void documentsStoreThatIsNotConfiguredFailsNamingTheProperty() {
        runner.withPropertyValues("es.documents.store=nowhere").run(context ->
                assertFailure(context, "es.documents.store", "nowhere", "main"));
    }

    /** An application's own executor for migrations. */
    @Configuration(proxyBeanMethods = false)
    static class UserMigrationExecutor {

        static final AtomicInteger THREADS = new AtomicInteger();

        @Bean(destroyMethod = "shutdownNow")
        @EsMigrationExecutor
        ExecutorService userMigrationExecutor() {
            return Executors.newCachedThreadPool(
                    r -> new Thread(r, "user-migrations-" + THREADS.incrementAndGet()));
        }
    }

    @Test
    void migrationsRunOnTheQualifiedExecutorWithTheirIdInTheLoggingMdc() {
        runner.withPropertyValues("es.stores.main.type=memory", "es.stores.other.type=memory",
                        "es.migration.max-concurrent=2")
                .withUserConfiguration(UserMigrationExecutor.class)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    EventStreams streams = context.getBean(EventStreams.class);
                    streams.open("Order", "7").append(EventData.of("OrderPlaced", "{}"));
                    List<String> seen = new CopyOnWriteArrayList<>();
                    var result = context.getBean(EventStreamMigrationService.class).forDocument("Order", "7")
                            .withTargetStore("other")
                            .withProgress(p -> p.onProgress(progress -> seen.add(Thread.currentThread().getName()
                                    + " " + MDC.get("es.migrationId"))))
                            .execute();
                    assertThat(result.isSuccess()).isTrue();
                    assertThat(seen).isNotEmpty().allSatisfy(entry ->
                            assertThat(entry).startsWith("user-migrations-").endsWith(" " + result.migrationId()));
                });
    }

    @Test
    void aMaxConcurrentBelowOneFailsNamingTheProperty() {
        runner.withPropertyValues("es.migration.max-concurrent=0").run(context ->
                assertFailure(context, "es.migration.max-concurrent", "0", "1 or more"));
    }

    @Test
    void aNegativeCopyRateFailsNamingTheProperty() {
        runner.withPropertyValues("es.migration.max-events-per-second=-10").run(context ->
                assertFailure(context, "es.migration.max-events-per-second", "-10", "positive number of events"));
        runner.withPropertyValues("es.migration.max-events-per-second=NaN").run(context ->
                assertFailure(context, "es.migration.max-events-per-second", "NaN", "0 (no limit)"));
        runner.run(context -> assertThat(context.getBean(DefaultEventStreamMigrationService.class).defaults()
                .maxEventsPerSecond()).as("no limit by default").isZero());
    }

    @Test
    void storeResilienceIsConfiguredAndCheckedNamingTheProperty() {
        runner.run(context -> assertThat(context.getBean(DefaultEventStreamMigrationService.class).resilience()
                .settings()).isEqualTo(ResilienceSettings.defaults()));
        runner.withPropertyValues("es.resilience.max-attempts=3", "es.resilience.initial-backoff=20ms",
                        "es.resilience.max-backoff=1s", "es.resilience.backoff-multiplier=1.5",
                        "es.resilience.circuit-breaker.enabled=false",
                        "es.resilience.circuit-breaker.failure-rate-threshold=80",
                        "es.resilience.circuit-breaker.sliding-window-size=50",
                        "es.resilience.circuit-breaker.minimum-number-of-calls=25",
                        "es.resilience.circuit-breaker.wait-in-open-state=1m")
                .run(context -> assertThat(context.getBean(DefaultEventStreamMigrationService.class).resilience()
                        .settings()).isEqualTo(new ResilienceSettings(3, Duration.ofMillis(20), Duration.ofSeconds(1),
                        1.5, false, 80, 50, 25, Duration.ofMinutes(1))));
        runner.withPropertyValues("es.resilience.max-attempts=0").run(context ->
                assertFailure(context, "es.resilience.max-attempts", "0", "1 or more"));
        runner.withPropertyValues("es.resilience.initial-backoff=2s", "es.resilience.max-backoff=1s").run(context ->
                assertFailure(context, "es.resilience.max-backoff", "shorter", "at least"));
        runner.withPropertyValues("es.resilience.circuit-breaker.failure-rate-threshold=150").run(context ->
                assertFailure(context, "es.resilience.circuit-breaker.failure-rate-threshold", "150", "1 to 100"));
    }

    @Test
    void negativeDurationsFailNamingTheProperty() {
        runner.withPropertyValues("es.migration.close-timeout=-5s").run(context ->
                assertFailure(context, "es.migration.close-timeout", "-5", "zero or more"));
        runner.withPropertyValues("es.locks.lease-duration=-1s").run(context ->
                assertFailure(context, "es.locks.lease-duration", "positive", "positive duration"));
        runner.withPropertyValues("es.locks.lease-duration=5s", "es.locks.heartbeat-interval=10s").run(context ->
                assertFailure(context, "es.locks.heartbeat-interval", "shorter", "Renew"));
        runner.withPropertyValues("es.streams.chunk-size=0").run(context ->
                assertFailure(context, "es.streams.chunk-size", "0", "positive"));
        runner.withPropertyValues("es.migration.lock-wait=100000d").run(context ->
                assertFailure(context, "es.migration.lock-wait", "PT2400000H", "at most 3650 days"));
        runner.withPropertyValues("es.migration.max-source-pause=10000d").run(context ->
                assertFailure(context, "es.migration.max-source-pause", "PT240000H", "at most 3650 days"));
    }

    @Test
    void blobStoreWithoutABlobServiceClientFailsSayingHowToGetOne() {
        allEs.withPropertyValues("es.stores.main.type=blob", "es.stores.main.container=events").run(context ->
                assertFailure(context, "es.stores.main.type", "blob", "spring.cloud.azure.storage.blob.connection-string"));
    }

    @Test
    void jdbcStoreWithoutADataSourceFailsSayingHowToGetOne() {
        allEs.withPropertyValues("es.stores.main.type=jdbc").run(context ->
                assertFailure(context, "es.stores.main.type", "jdbc", "spring.datasource.url"));
    }

    @Test
    void storeTypeWhoseKindIsNotConfiguredAtAllListsTheAvailableTypes() {
        runner.withPropertyValues("es.stores.main.type=jdbc").run(context ->
                assertFailure(context, "es.stores.main.type", "jdbc", "Use one of [memory]"));
    }

    @Test
    void unknownLockProviderFailsNamingThePropertyAndListingTheAllowedValues() {
        runner.withPropertyValues("es.locks.provider=zookeeper").run(context -> {
            assertFailure(context, "es.locks.provider", "zookeeper", "memory");
            assertThat(FailureReports.analyze(context.getStartupFailure()).getAction())
                    .contains("memory", "blob", "jdbc");
        });
    }

    @Test
    void storeTypesAndLockProvidersBindWhateverTheirCase() {
        runner.withPropertyValues("es.stores.main.type=MEMORY", "es.locks.provider=Memory").run(context -> {
            assertThat(context).hasNotFailed();
            EsProperties properties = context.getBean(EsProperties.class);
            assertThat(properties.getStores().get("main").getType()).isEqualTo(EsProperties.StoreType.MEMORY);
            assertThat(properties.getLocks().getProvider()).isEqualTo(EsProperties.LockProvider.MEMORY);
        });
    }

    /**
     * The start-up report Spring Boot prints (es's analyzer for cross-property problems, Boot's for binding errors and
     * values wrong on their own) names the property and the bad value, and says how to fix it.
     */
    private static void assertFailure(AssertableApplicationContext context, String property, String inDescription,
                                      String inFix) {
        assertThat(context).hasFailed();
        Throwable failure = context.getStartupFailure();
        FailureAnalysis analysis = FailureReports.analyze(failure);
        assertThat(analysis.getDescription()).as("failure analysis of %s", failure).contains(property)
                .contains(inDescription);
        assertThat(analysis.getDescription() + "\n" + analysis.getAction()).contains(inFix);
    }
}
