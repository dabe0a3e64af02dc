package dev.es.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.document.DocumentStore;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.lock.LockSettings;
import dev.es.engine.lock.memory.InMemoryLockProvider;
import dev.es.engine.migration.EventStreamMigrationService;
import dev.es.engine.migration.InMemoryMigrationRoutingTable;
import dev.es.engine.migration.MigrationAuditRecord;
import dev.es.engine.migration.MigrationEntry;
import dev.es.engine.migration.MigrationHandle;
import dev.es.engine.migration.MigrationPhase;
import dev.es.engine.migration.MigrationResult;
import dev.es.engine.migration.MigrationRoutingTable;
import dev.es.engine.migration.MigrationStatus;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.memory.InMemoryDocumentStore;
import dev.es.engine.store.memory.InMemoryEventStore;
import dev.es.engine.store.memory.InMemoryTagStore;
import dev.es.engine.stream.EventStream;
import dev.es.engine.stream.EventStreams;
import dev.es.engine.tag.TagStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Closing the application context pauses a running migration at a safe point and keeps its state; a second context
 * on the same stores (the "restart") resumes it by running the same migration again.
 */
class GracefulShutdownTest {

    private static final int EVENTS = 400;
    private static final String LOCK_KEY = "migration/Order/g-1";

    private final InMemoryEventStore main = new InMemoryEventStore("main");
    private final InMemoryEventStore archive = new InMemoryEventStore("archive");
    private final EventStoreRegistry stores = EventStoreRegistry.of(main, archive);
    private final InMemoryDocumentStore documents = new InMemoryDocumentStore();
    private final InMemoryTagStore tags = new InMemoryTagStore();
    private final InMemoryMigrationRoutingTable routing = new InMemoryMigrationRoutingTable();
    /** The leases both "processes" see; each context gets a provider of its own over them. */
    private final InMemoryLockProvider leases = new InMemoryLockProvider();

    /** An application over the shared stores, with its own lock provider (as a new process would have). */
    private ApplicationContextRunner application(DistributedLockProvider locks) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(EsStoresAutoConfiguration.class,
                        EsStreamsAutoConfiguration.class, EsLocksAutoConfiguration.class,
                        EsMigrationAutoConfiguration.class))
                .withPropertyValues("es.stores.main.type=memory", "es.stores.archive.type=memory",
                        "es.default-store=main", "es.streams.chunk-size=10")
                .withBean(EventStoreRegistry.class, () -> stores)
                .withBean(DocumentStore.class, () -> documents)
                .withBean(TagStore.class, () -> tags)
                .withBean(MigrationRoutingTable.class, () -> routing)
                .withBean(DistributedLockProvider.class, () -> locks);
    }

    @Test
    void closingTheContextPausesARunningMigrationAndTheNextContextResumesIt() throws Exception {
        AtomicReference<MigrationHandle> firstRun = new AtomicReference<>();
        application(leases).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(MigrationShutdown.class);
            EventStream order = context.getBean(EventStreams.class).open("Order", "g-1");
            List<EventData> batch = new ArrayList<>();
            for (int i = 1; i <= EVENTS; i++) {
                batch.add(EventData.of("NoteAdded", "{\"n\":" + i + "}"));
                if (batch.size() == 50) {
                    order.append(List.copyOf(batch).toArray(EventData[]::new));
                    batch.clear();
                }
            }
            MigrationHandle handle = context.getBean(EventStreamMigrationService.class)
                    .forDocument("Order", "g-1").withTargetStore("archive")
                    .withLiveMigration(o -> o.onBeforeAppend(e -> sleep(5)))
                    .start();
            firstRun.set(handle);
            Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5))
                    .until(() -> handle.progress().eventsCopied() >= 30);
            assertThat(handle.progress().phase()).isEqualTo(MigrationPhase.CATCH_UP);
            assertThat(leases.isLocked(LOCK_KEY)).isTrue();
        });

        // the context is closed: the migration stopped at a safe point, its state kept
        MigrationHandle suspended = firstRun.get();
        String migrationId = suspended.migrationId();
        assertThat(suspended.isDone()).isTrue();
        assertThat(suspended.await(Duration.ZERO).status()).isEqualTo(MigrationStatus.PAUSED);
        MigrationEntry paused = routing.get(migrationId).orElseThrow();
        assertThat(paused.status()).isEqualTo(MigrationStatus.PAUSED);
        assertThat(paused.phase()).isEqualTo(MigrationPhase.CATCH_UP);
        MigrationAuditRecord suspendedBy = paused.audit().get(paused.audit().size() - 1);
        assertThat(suspendedBy.status()).isEqualTo(MigrationStatus.PAUSED);
        assertThat(suspendedBy.requestedBy()).as("the shutdown asked").isEqualTo(MigrationAuditRecord.BY_SHUTDOWN);
        assertThat(paused.eventsCopied()).isBetween(30L, EVENTS - 1L);
        assertThat(archive.version("order-g-1-v2")).isEqualTo(paused.eventsCopied());
        assertThat(leases.isLocked(LOCK_KEY)).as("lock released at shutdown").isFalse();
        assertThat(main.version("order-g-1")).isEqualTo(EVENTS);
        assertThat(main.lastEvent("order-g-1").isCloseEvent()).as("source not closed").isFalse();
        assertThat(documents.get("Order", "g-1").orElseThrow().active())
                .isEqualTo(new StreamPointer("order-g-1", "main"));

        application(leases.sharingLeases(LockSettings.defaults())).run(context -> {
            assertThat(context).hasNotFailed();
            EventStreams streams = context.getBean(EventStreams.class);
            EventStreamMigrationService migrations = context.getBean(EventStreamMigrationService.class);
            assertThat(migrations.activeMigrations()).extracting(MigrationEntry::migrationId).contains(migrationId);
            // writers carry on while no migration runs
            EventStream order = streams.open("Order", "g-1");
            for (int i = EVENTS + 1; i <= EVENTS + 5; i++) {
                order.append(EventData.of("NoteAdded", "{\"n\":" + i + "}"));
            }

            MigrationHandle again = migrations.forDocument("Order", "g-1").withTargetStore("archive").start();
            assertThat(again.migrationId()).isEqualTo(migrationId);
            MigrationResult result = again.await(Duration.ofSeconds(30));
            assertThat(result.status()).isEqualTo(MigrationStatus.COMPLETED);

            assertThat(streams.document("Order", "g-1").active())
                    .isEqualTo(new StreamPointer("order-g-1-v2", "archive"));
            MigrationEntry done = routing.get(migrationId).orElseThrow();
            assertThat(done.status()).isEqualTo(MigrationStatus.COMPLETED);
            assertThat(done.eventsCopied()).isEqualTo(EVENTS + 5);
        });

        List<StoredEvent> source = main.read("order-g-1", 1, 10_000);
        List<StoredEvent> target = archive.read("order-g-1-v2", 1, 10_000);
        assertThat(source).hasSize(EVENTS + 6);
        assertThat(source.get(EVENTS + 5).isCloseEvent()).isTrue();
        assertThat(target).hasSize(EVENTS + 5);
        assertThat(target).extracting(StoredEvent::eventId).doesNotHaveDuplicates()
                .containsExactlyElementsOf(source.subList(0, EVENTS + 5).stream().map(StoredEvent::eventId).toList());
        assertThat(target).extracting(StoredEvent::payload)
                .containsExactlyElementsOf(source.subList(0, EVENTS + 5).stream().map(StoredEvent::payload).toList());
        assertThat(leases.isLocked(LOCK_KEY)).isFalse();
    }

    @Test
    void closingAContextWithNoRunningMigrationIsQuiet() {
        application(leases).run(context -> {
            assertThat(context).hasNotFailed();
            context.getBean(EventStreams.class).open("Order", "g-2").append(EventData.of("NoteAdded", "{}"));
        });
        assertThat(routing.all()).isEmpty();
        assertThat(main.version("order-g-2")).isEqualTo(1);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
