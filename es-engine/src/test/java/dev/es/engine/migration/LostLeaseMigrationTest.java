package dev.es.engine.migration;

import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.lock.LockLostException;
import dev.es.engine.lock.LockSettings;
import dev.es.engine.lock.memory.InMemoryLockProvider;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.memory.InMemoryDocumentStore;
import dev.es.engine.store.memory.InMemoryEventStore;
import dev.es.engine.store.memory.InMemoryTagStore;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import dev.es.engine.support.HookedEventStore;
import dev.es.engine.support.ManualHeartbeats;
import dev.es.engine.support.MutableClock;
import dev.es.engine.support.Orders;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;


/**
 * A migration whose lock lease runs out at the worst moments (issue 15, design section 9 point 2), with the lease
 * timed by a controllable clock and its heartbeat driven by hand, so that the lease is lost exactly there: just before
 * the close (the migration stops before writing it, the source stays open and writable, a re-run completes), and
 * during the cutover, after the close was written (it stops before touching the document, writers follow the close
 * onto the target, a re-run finishes the cutover). Nothing is lost or doubled either way.
 */
class LostLeaseMigrationTest {

    private static final Duration LEASE = Duration.ofSeconds(60);

    private final MutableClock leaseClock = new MutableClock();
    private final ManualHeartbeats heartbeats = new ManualHeartbeats();
    private HookedEventStore main;
    private EventStreams streams;
    private InMemoryLockProvider locks;
    private DefaultEventStreamMigrationService migrations;

    @BeforeEach
    void setUp() {
        main = new HookedEventStore(new InMemoryEventStore("main"));
        streams = new EventStreams(EventStoreRegistry.of(main, new InMemoryEventStore("other")),
                new InMemoryDocumentStore(), new InMemoryTagStore(), EventStreamSettings.defaults().withChunkSize(10),
                "main");
        locks = new InMemoryLockProvider(new LockSettings(LEASE, Duration.ofSeconds(10)), leaseClock, heartbeats);
        migrations = new DefaultEventStreamMigrationService(streams, locks, new InMemoryMigrationRoutingTable(),
                MigrationDefaults.defaults(), MigrationListener.NONE, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        migrations.close();
        heartbeats.shutdownNow();
    }

    /** The lease runs out without a renewal: the heartbeat never beats, the clock passes the deadline. */
    private void leaseRunsOut() {
        leaseClock.advance(LEASE.plusSeconds(1));
    }

    @Test
    void aLeaseLostJustBeforeTheCloseStopsTheMigrationWithTheSourceOpen() {
        String id = Orders.withNotes(streams, 35);
        List<String> before = Orders.eventIds(streams, id);
        AtomicBoolean once = new AtomicBoolean(true);

        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other")
                .withLiveMigration(o -> o.onCatchUpProgress(p -> {
                    if (once.getAndSet(false)) {
                        leaseRunsOut(); // caught up, about to close
                    }
                }))
                .execute();

        assertThat(result.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(result.error()).hasRootCauseInstanceOf(LockLostException.class);
        String source = streams.documents().get("Order", id).orElseThrow().active().streamId();
        assertThat(main.closeEvent(source)).as("no close was written").isNull();
        assertThat(streams.documents().get("Order", id).orElseThrow().active().store()).isEqualTo("main");

        // writers go on on the source; a re-run under a new lease finishes the migration
        EventData during = EventData.of("NoteAdded", "{\"n\":\"after the lost lease\"}");
        streams.open("Order", id).append(ExpectedVersion.any(), List.of(during));
        MigrationResult rerun = migrations.forDocument("Order", id).withTargetStore("other").execute();
        assertThat(rerun.status()).as("re-run %s", rerun).isEqualTo(MigrationStatus.COMPLETED);
        List<String> expected = new ArrayList<>(before);
        expected.add(during.eventId());
        assertThat(Orders.eventIds(streams, id)).containsExactlyElementsOf(expected);
        assertThat(streams.documents().get("Order", id).orElseThrow().active().store()).isEqualTo("other");
    }

    @Test
    void aLeaseLostDuringTheCutoverLeavesTheCloseForWritersToFollowAndARerunFinishesIt() {
        String id = Orders.withNotes(streams, 35);
        List<String> before = Orders.eventIds(streams, id);
        String source = streams.documents().get("Order", id).orElseThrow().active().streamId();
        main.afterAppend(events -> {
            if (HookedEventStore.isClose(events)) {
                leaseRunsOut(); // the close is written; the cutover is next
            }
        });

        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other").execute();
        main.afterAppend(events -> { });

        assertThat(result.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(result.error()).hasRootCauseInstanceOf(LockLostException.class);
        CloseEvent close = main.closeEvent(source);
        assertThat(close).as("the close was written before the lease ran out").isNotNull();
        assertThat(close.continuationStore()).isEqualTo("other");
        assertThat(streams.documents().get("Order", id).orElseThrow().active().streamId())
                .as("the document was not touched without the lock").isEqualTo(source);

        // a writer on the stale document follows the close onto the target
        EventData during = EventData.of("NoteAdded", "{\"n\":\"during the broken cutover\"}");
        streams.open("Order", id).append(ExpectedVersion.any(), List.of(during));
        assertThat(streams.stores().get("other").read(close.continuationStreamId(), 1, 100))
                .extracting(StoredEvent::eventId).contains(during.eventId());

        MigrationResult rerun = migrations.forDocument("Order", id).withTargetStore("other").execute();
        assertThat(rerun.status()).as("re-run %s", rerun).isEqualTo(MigrationStatus.COMPLETED);
        assertThat(streams.documents().get("Order", id).orElseThrow().active().streamId())
                .isEqualTo(close.continuationStreamId());
        List<String> expected = new ArrayList<>(before);
        expected.add(during.eventId());
        assertThat(Orders.eventIds(streams, id)).containsExactlyElementsOf(expected);
    }

    @Test
    void aRefusedRenewalDuringTheCopyStopsTheMigrationBeforeItsNextWrite() {
        String id = Orders.withNotes(streams, 35);
        List<String> before = Orders.eventIds(streams, id);
        AtomicBoolean once = new AtomicBoolean(true);

        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other")
                .withLiveMigration(o -> o.onBeforeAppend(e -> {
                    if (once.getAndSet(false)) {
                        // another holder takes the lock after the lease ran out; the next renewal is refused
                        leaseRunsOut();
                        assertThat(locks.tryAcquire("migration/Order/" + id, Duration.ZERO)).isPresent();
                        heartbeats.beat();
                    }
                }))
                .execute();

        assertThat(result.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(result.error()).hasRootCauseInstanceOf(LockLostException.class);
        String source = streams.documents().get("Order", id).orElseThrow().active().streamId();
        assertThat(main.closeEvent(source)).isNull();
        assertThat(Orders.eventIds(streams, id)).containsExactlyElementsOf(before);
    }
}
