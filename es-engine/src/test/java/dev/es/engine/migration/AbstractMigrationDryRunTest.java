package dev.es.engine.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.lock.DistributedLock;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import dev.es.engine.transform.EventTransformer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The measured dry run on every store: what it reports (types, what the transformer does, the target, the lock, an
 * unfinished migration, the estimate) and that it writes nothing anywhere, proved by comparing everything the stores
 * keep (event streams, documents, routing table, locks) before and after. Each store's test extends this class.
 */
public abstract class AbstractMigrationDryRunTest {

    /** Events per page. */
    protected static final int CHUNK = 10;

    protected MigrationTestStores stores;
    protected EventStreams streams;
    protected DefaultEventStreamMigrationService migrations;

    /** Fresh stores for one test; event stores must be named {@code main} and {@code other}. */
    protected abstract MigrationTestStores createStores();

    /**
     * Everything the stores of this test keep, as comparable values: event streams (all of them, or the listing of
     * their storage), documents, routing entries, locks. Equal before and after means nothing was written.
     */
    protected abstract Object storedState() throws Exception;

    @BeforeEach
    void setUpStores() {
        stores = createStores();
        streams = new EventStreams(EventStoreRegistry.of(stores.main(), stores.other()), stores.documents(),
                stores.tags(), EventStreamSettings.defaults().withChunkSize(CHUNK), "main");
        migrations = new DefaultEventStreamMigrationService(streams, stores.locks(), stores.routing(),
                new MigrationDefaults(Duration.ofMinutes(1), Duration.ofMillis(5),
                        ConvergenceFailureStrategy.KEEP_TRYING, Duration.ofSeconds(5), Duration.ZERO),
                MigrationListener.NONE, Clock.systemUTC());
    }

    @AfterEach
    void closeService() {
        migrations.close();
    }

    protected static String newId() {
        return "d" + UUID.randomUUID().toString().substring(0, 10);
    }

    /** An object of 33 events: OrderPlaced v1, 20 NoteAdded v1, 5 NoteAdded v2, 4 Legacy v1, 3 Combo v1. */
    protected String mixedObject() {
        String id = newId();
        List<EventData> events = new ArrayList<>();
        events.add(new EventData(null, "OrderPlaced", 1, "{\"customer\":\"ada\"}", null));
        for (int i = 0; i < 20; i++) {
            events.add(new EventData(null, "NoteAdded", 1, "{\"text\":\"v1-" + i + "\"}", Map.of("by", "ada")));
        }
        for (int i = 0; i < 5; i++) {
            events.add(new EventData(null, "NoteAdded", 2, "{\"note\":{\"text\":\"v2-" + i + "\"}}", null));
        }
        for (int i = 0; i < 4; i++) {
            events.add(new EventData(null, "Legacy", 1, "{\"old\":" + i + "}", null));
        }
        for (int i = 0; i < 3; i++) {
            events.add(new EventData(null, "Combo", 1, "{\"a\":" + i + ",\"b\":" + i + "}", null));
        }
        streams.open("Order", id).append(ExpectedVersion.noStream(), events);
        return id;
    }

    /**
     * Upcasts NoteAdded v1 to v2, drops Legacy, splits Combo in two, gives OrderPlaced back as it was; throws on
     * NoteAdded v1 while {@code failing} is set.
     */
    protected static EventTransformer transformer(AtomicBoolean failing) {
        return new EventTransformer() {
            @Override
            public boolean canTransform(String type, int schemaVersion) {
                return type.equals("NoteAdded") && schemaVersion == 1 || type.equals("Legacy")
                        || type.equals("Combo") || type.equals("OrderPlaced");
            }

            @Override
            public List<EventData> transform(StoredEvent e) {
                return switch (e.type()) {
                    case "NoteAdded" -> {
                        if (failing.get() && e.version() > 15) {
                            throw new IllegalStateException("cannot upcast v" + e.version());
                        }
                        yield List.of(new EventData(null, "NoteAdded", 2,
                                "{\"note\":" + e.payload() + "}", e.metadata()));
                    }
                    case "Legacy" -> List.of();
                    case "Combo" -> List.of(new EventData(null, "A", 1, e.payload(), null),
                            new EventData(null, "B", 1, e.payload(), null));
                    default -> List.of(e.toEventData());
                };
            }
        };
    }

    @Test
    void thePlanCountsTypesRunsTheTransformerAndEstimatesWithoutWriting() throws Exception {
        String id = mixedObject();
        Object before = storedState();
        MigrationPlan plan = migrations.forDocument("Order", id).withTargetStore("other")
                .withTransformer(transformer(new AtomicBoolean()))
                .withLiveMigration(o -> o.maxEventsPerSecond(10)).dryRun();
        assertThat(storedState()).as("nothing written").isEqualTo(before);

        assertThat(plan.source()).isEqualTo(new StreamPointer("order-" + id, "main"));
        assertThat(plan.target()).isEqualTo(new StreamPointer("order-" + id + "-v2", "other"));
        assertThat(plan.sourceEvents()).isEqualTo(33);
        assertThat(plan.sourceAlreadyClosed()).isFalse();
        assertThat(plan.eventTypes()).containsExactly(
                new MigrationPlan.TypeCount("NoteAdded", 1, 20, plan.eventTypes().get(0).bytes()),
                new MigrationPlan.TypeCount("NoteAdded", 2, 5, plan.eventTypes().get(1).bytes()),
                new MigrationPlan.TypeCount("Legacy", 1, 4, plan.eventTypes().get(2).bytes()),
                new MigrationPlan.TypeCount("Combo", 1, 3, plan.eventTypes().get(3).bytes()),
                new MigrationPlan.TypeCount("OrderPlaced", 1, 1, plan.eventTypes().get(4).bytes()));
        assertThat(plan.eventTypes()).allSatisfy(t -> assertThat(t.bytes()).isPositive());
        assertThat(plan.eventTypes().stream().mapToLong(MigrationPlan.TypeCount::bytes).sum())
                .isEqualTo(plan.sourceBytes());

        MigrationPlan.Transformation t = plan.transformation();
        assertThat(plan.eventsToTransform()).isEqualTo(28);
        assertThat(t.accepted()).isEqualTo(28);
        assertThat(t.unchanged()).isEqualTo(1);
        assertThat(t.changed()).isEqualTo(20);
        assertThat(t.split()).isEqualTo(3);
        assertThat(t.dropped()).isEqualTo(4);
        assertThat(t.produced()).isEqualTo(27);
        assertThat(t.failed()).isZero();
        assertThat(t.firstFailure()).isNull();
        assertThat(t.targetEvents()).isEqualTo(32);

        assertThat(plan.targetState().events()).isZero();
        assertThat(plan.targetState().resumable()).isFalse();
        assertThat(plan.targetState().eventsTooLarge()).isZero();
        assertThat(plan.targetState().largestEventBytes()).isPositive();
        assertThat(plan.lockFree()).isTrue();
        assertThat(plan.unfinishedMigrationId()).isNull();
        assertThat(plan.warnings()).isEmpty();
        assertThat(plan.isClear()).isTrue();

        MigrationPlan.Measurements m = plan.measurements();
        assertThat(m.readTime()).isPositive();
        assertThat(m.targetRoundTrip()).isPositive();
        assertThat(m.maxEventsPerSecond()).isEqualTo(10);
        assertThat(m.pages()).as("pages of a second's worth: 10 events").isEqualTo(4);
        assertThat(m.estimatedWriteTime()).isEqualTo(m.targetRoundTrip().multipliedBy(4).plus(m.readTime()));
        assertThat(m.estimatedWritesPerSecond()).isPositive();
        assertThat(plan.measuredReadsPerSecond()).isPositive();
        assertThat(plan.estimatedDuration()).as("23 events wait for their share of a second at 10/s")
                .isGreaterThanOrEqualTo(Duration.ofMillis(2_300));

        MigrationPlan unlimited = migrations.forDocument("Order", id).withTargetStore("other").dryRun();
        assertThat(unlimited.measurements().pages()).isEqualTo(4);
        assertThat(unlimited.transformation().targetEvents()).isEqualTo(33);
        assertThat(unlimited.estimatedDuration()).isEqualTo(unlimited.measurements().readTime()
                .plus(unlimited.measurements().transformTime()).plus(unlimited.measurements().estimatedWriteTime()));
        assertThat(storedState()).as("nothing written").isEqualTo(before);
    }

    @Test
    void aHeldLockAnUnfinishedMigrationAndAResumableTargetAreReportedAndNothingIsWritten() throws Exception {
        String id = mixedObject();
        // a first migration completes (the document gets a terminated stream), a second one fails half-way
        assertThat(migrations.forDocument("Order", id).withTargetStore("other").execute().status())
                .isEqualTo(MigrationStatus.COMPLETED);
        AtomicBoolean failing = new AtomicBoolean(true);
        MigrationResult failed = migrations.forDocument("Order", id).withTargetStore("main")
                .withTransformer(transformer(failing)).execute();
        assertThat(failed.status()).isEqualTo(MigrationStatus.FAILED);
        StreamPointer target = new StreamPointer("order-" + id + "-v3", "main");
        long copied = stores.main().version(target.streamId());
        assertThat(copied).as("the failed run left copies").isPositive();

        String lockKey = "migration/Order/" + id;
        try (DistributedLock held = stores.locks().tryAcquire(lockKey, Duration.ZERO).orElseThrow()) {
            Object before = storedState();
            MigrationPlan plan = migrations.forDocument("Order", id).withTargetStore("main")
                    .withTransformer(transformer(failing)).dryRun();
            Object after = storedState();
            assertThat(after).as("nothing written").isEqualTo(before);
            assertThat(held.isValid()).isTrue();

            assertThat(plan.source()).isEqualTo(new StreamPointer("order-" + id + "-v2", "other"));
            assertThat(plan.target()).isEqualTo(target);
            assertThat(plan.lockFree()).isFalse();
            assertThat(plan.unfinishedMigrationId()).isEqualTo(failed.migrationId());
            assertThat(plan.targetState().events()).isEqualTo(copied);
            assertThat(plan.targetState().resumable()).isTrue();
            assertThat(plan.targetState().copiedUpTo()).as("the first page").isEqualTo(10);
            assertThat(plan.transformation().failed()).isEqualTo(6);
            assertThat(plan.transformation().firstFailure()).contains("cannot upcast v16");
            assertThat(plan.warnings()).hasSize(3);
            assertThat(String.join("\n", plan.warnings())).contains("is held now", "continues from there",
                    "transformer fails on 6 event(s)", failed.migrationId());
            assertThat(plan.isClear()).isFalse();
        }
        // and still nothing written by the dry run: the migration resumes from the copies, under the same id
        failing.set(false);
        MigrationResult resumed = migrations.forDocument("Order", id).withTargetStore("main")
                .withTransformer(transformer(failing)).execute();
        assertThat(resumed.status()).isEqualTo(MigrationStatus.COMPLETED);
        assertThat(resumed.migrationId()).isEqualTo(failed.migrationId());
    }

    @Test
    void aTargetHoldingOtherEventsAndAClosedSourceAreWarnedAbout() throws Exception {
        String id = mixedObject();
        streams.stores().get("other").append("order-" + id + "-v2", ExpectedVersion.noStream(),
                List.of(new EventData(null, "Stranger", 1, "{}", null)));
        Object before = storedState();
        MigrationPlan plan = migrations.forDocument("Order", id).withTargetStore("other").dryRun();
        assertThat(storedState()).isEqualTo(before);
        assertThat(plan.targetState().events()).isEqualTo(1);
        assertThat(plan.targetState().resumable()).isFalse();
        assertThat(plan.warnings()).singleElement().asString().contains("not copied from", "choose an empty target");
    }
}
