package dev.es.engine.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.internal.Json;
import dev.es.engine.store.AppendResult;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.FaultInjectingEventStore;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import dev.es.engine.transform.CompositeTransformer;
import dev.es.engine.transform.EventTransformer;
import dev.es.engine.transform.FunctionTransformer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Verification of migrations (issue 13), run against every store and across stores: before the close
 * ({@code withVerification}) and standalone on a finished migration ({@code migrations.verify}). The event stores
 * are wrapped in a {@link TamperingEventStore}, which changes what a stored event reads back as (tampering) and
 * counts what is read. Each store's test extends this class; {@code main} is the source, {@code other} the target.
 */
public abstract class AbstractMigrationVerificationTest {

    /** Fresh stores for one test; event stores must be named {@code main} and {@code other}. */
    protected abstract MigrationTestStores createStores();

    /** Events per catch-up page. */
    protected int chunkSize() {
        return 50;
    }

    protected MigrationTestStores stores;
    protected TamperingEventStore main;
    protected TamperingEventStore other;
    /** Under {@link #other}: fails a chosen append, for crashes. */
    protected FaultInjectingEventStore otherFaults;
    protected EventStreams streams;
    protected DefaultEventStreamMigrationService migrations;

    @BeforeEach
    void setUpStores() {
        stores = createStores();
        main = new TamperingEventStore(stores.main());
        otherFaults = new FaultInjectingEventStore(stores.other());
        other = new TamperingEventStore(otherFaults);
        streams = newStreams();
        migrations = newService();
    }

    private EventStreams newStreams() {
        return new EventStreams(EventStoreRegistry.of(main, other), stores.documents(), stores.tags(),
                EventStreamSettings.defaults().withChunkSize(chunkSize()), "main");
    }

    /** A migration service as another process would have one: it knows none of the migrations started here. */
    protected DefaultEventStreamMigrationService newService() {
        return new DefaultEventStreamMigrationService(streams, stores.locks(), stores.routing(),
                new MigrationDefaults(Duration.ofMinutes(2), Duration.ofMillis(5),
                        ConvergenceFailureStrategy.KEEP_TRYING, Duration.ofSeconds(5), Duration.ZERO),
                MigrationListener.NONE, Clock.systemUTC());
    }

    @AfterEach
    void closeService() {
        migrations.close();
    }

    protected static String newId() {
        return "o" + UUID.randomUUID().toString().substring(0, 12);
    }

    /**
     * A note whose payload is written the way PostgreSQL's {@code jsonb} does not keep it (white space, key order,
     * {@code 1e2}, {@code 1.50}, a unicode escape), so that a verification into or out of PostgreSQL must compare
     * payloads by meaning.
     */
    protected static EventData note(String text) {
        return new EventData(null, "NoteAdded", 1, "{ \"text\" : \"" + text + "\", \"amount\": 1.50,"
                + " \"tags\": [1e2, \"caf\\u00e9\"], \"a\": {\"z\": true, \"b\": null} }", Map.of("by", "test"));
    }

    /** Upcasts notes to schema 2 ({@code text} becomes {@code note}) and drops {@code Noise}: renumbers the stream. */
    protected static final EventTransformer UPCAST_AND_DROP_NOISE = new CompositeTransformer(List.of(
            FunctionTransformer.upcast("NoteAdded", 1, e -> new EventData(e.eventId(), "NoteAdded", 2,
                    e.payload().replace("\"text\"", "\"note\""), e.metadata())),
            FunctionTransformer.many("Noise", e -> List.of())));

    /** An object with {@code notes} notes, every fifth followed by a {@code Noise} event. */
    protected String objectWithNotes(int notes) {
        String id = newId();
        List<EventData> events = new ArrayList<>();
        for (int i = 0; i < notes; i++) {
            events.add(note("n" + i));
            if (i % 5 == 4) {
                events.add(new EventData(null, "Noise", 1, "{}", null));
            }
        }
        streams.open("Order", id).append(ExpectedVersion.noStream(), events);
        return id;
    }

    protected static String source(String id) {
        return "order-" + id;
    }

    protected static String target(String id) {
        return "order-" + id + "-v2";
    }

    /** The source is open and writable, the document still points at it: nothing of a close happened. */
    protected void assertSourceUntouchedAndWritable(String id, MigrationResult failed) {
        assertThat(main.closeEvent(source(id))).as("no close event on the source").isNull();
        assertThat(stores.documents().get("Order", id).orElseThrow().active())
                .isEqualTo(new StreamPointer(source(id), "main"));
        assertThat(stores.routing().get(failed.migrationId()).orElseThrow().status())
                .isEqualTo(MigrationStatus.FAILED);
        long before = main.version(source(id));
        AppendResult appended = streams.open("Order", id).append(ExpectedVersion.any(), List.of(note("after")));
        assertThat(appended.store()).isEqualTo("main");
        assertThat(appended.streamId()).isEqualTo(source(id));
        assertThat(appended.newVersion()).isEqualTo(before + 1);
    }

    private static MigrationVerificationException verificationError(MigrationResult result) {
        assertThat(result.status()).as("result %s", result).isEqualTo(MigrationStatus.FAILED);
        assertThat(result.error()).isInstanceOf(MigrationVerificationException.class);
        return (MigrationVerificationException) result.error();
    }

    // ---------------------------------------------------------------- before the close

    @ParameterizedTest
    @EnumSource(VerificationLevel.class)
    void aCorrectCopyPassesEveryLevelWithATransformerThatRenumbersTheStream(VerificationLevel level) {
        String id = objectWithNotes(3 * chunkSize() + 7);
        long sourceVersion = main.version(source(id));

        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other")
                .withTransformer(UPCAST_AND_DROP_NOISE)
                .withVerification(v -> v.level(level))
                .execute();

        assertThat(result.isSuccess()).as("result %s", result.error()).isTrue();
        long targetVersion = other.version(target(id));
        assertThat(targetVersion).isLessThan(sourceVersion); // the noise was dropped
        VerificationResult verified = result.verification();
        assertThat(verified).isNotNull();
        assertThat(verified.matched()).isTrue();
        assertThat(verified.level()).isEqualTo(level);
        assertThat(verified.sourceVersion()).isEqualTo(sourceVersion);
        assertThat(verified.targetVersion()).isEqualTo(targetVersion);
        assertThat(verified.eventsCompared()).isEqualTo(targetVersion);
        assertThat(verified.firstMismatch()).isNull();
    }

    /**
     * A transformer that writes payloads the way a store does not keep them (PostgreSQL's {@code jsonb} reorders
     * keys, drops white space, reads {@code 1e2} as {@code 100}): the target reads back other text with the same
     * meaning, which is no mismatch.
     */
    @ParameterizedTest
    @EnumSource(VerificationLevel.class)
    void payloadsAreComparedByMeaningNotByText(VerificationLevel level) {
        String id = objectWithNotes(chunkSize() + 2);
        EventTransformer verbose = FunctionTransformer.upcast("NoteAdded", 1, e -> new EventData(e.eventId(),
                "NoteAdded", 2, "{ \"z\" : 1.50 ,\n \"a\": [ 1e2, \"\\u00e9\\\"\" ], \"z\": 2.0, \"m\": {\"y\":-0,"
                + " \"x\": 10.000} }", e.metadata()));
        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other")
                .withTransformer(verbose).withVerification(v -> v.level(level)).execute();
        assertThat(result.isSuccess()).as("result %s", result.error()).isTrue();
        assertThat(migrations.verify(result.migrationId(), VerificationLevel.FULL).matched()).isTrue();
    }

    /** The acceptance test of issue 13: one payload changed on the target after it was copied, before the close. */
    @ParameterizedTest
    @EnumSource(value = VerificationLevel.class, names = {"HASH", "FULL"})
    void aTargetTamperedWithBetweenCopyAndCloseFailsBeforeTheCloseNamingTheMismatch(VerificationLevel level) {
        String id = objectWithNotes(2 * chunkSize() + 3);
        long tamperedVersion = chunkSize() + 2;
        AtomicBoolean tampered = new AtomicBoolean();
        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other")
                .withVerification(v -> v.level(level))
                .withLiveMigration(o -> o.onCatchUpProgress(p -> {
                    if (tampered.compareAndSet(false, true)) { // copied, not yet closed
                        other.tamperPayload(target(id), tamperedVersion,
                                "{\"text\":\"changed behind the migration's back\"}");
                    }
                }))
                .execute();

        MigrationVerificationException error = verificationError(result);
        StoredEvent original = main.read(source(id), tamperedVersion, 1).get(0);
        VerificationMismatch mismatch = error.mismatch();
        assertThat(mismatch.targetVersion()).isEqualTo(tamperedVersion);
        assertThat(mismatch.sourceVersion()).isEqualTo(tamperedVersion);
        assertThat(mismatch.eventId()).isEqualTo(original.eventId());
        assertThat(mismatch.field()).isEqualTo("payload");
        assertThat(mismatch.detail()).contains("$.a"); // the first path that differs, in sorted order
        assertThat(error.getMessage()).contains("target version " + tamperedVersion)
                .contains(original.eventId()).contains("payload").contains("source stays open and writable");
        assertThat(result.verification()).isNotNull();
        assertThat(result.verification().matched()).isFalse();
        assertThat(stores.routing().get(result.migrationId()).orElseThrow().error())
                .contains("target version " + tamperedVersion);
        assertSourceUntouchedAndWritable(id, result);
    }

    @Test
    void countCatchesAnEventAppendedToTheTargetBehindTheMigrationsBack() {
        String id = objectWithNotes(chunkSize() + 3);
        AtomicBoolean appended = new AtomicBoolean();
        EventData intruder = note("intruder");
        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other")
                .withVerification(v -> v.level(VerificationLevel.COUNT))
                .withLiveMigration(o -> o.onCatchUpProgress(p -> {
                    if (appended.compareAndSet(false, true)) {
                        other.append(target(id), ExpectedVersion.any(), List.of(intruder));
                    }
                }))
                .execute();

        VerificationMismatch mismatch = verificationError(result).mismatch();
        assertThat(mismatch.field()).isEqualTo("extra");
        assertThat(mismatch.eventId()).isEqualTo(intruder.eventId());
        assertThat(mismatch.targetVersion()).isEqualTo(other.version(target(id)));
        assertSourceUntouchedAndWritable(id, result);
    }

    @Test
    void aFailingCustomCheckIsNamed() {
        String id = newId();
        streams.open("Order", id).append(ExpectedVersion.noStream(), List.of(note("fine"),
                new EventData(null, "NoteAdded", 1, "{\"text\":\"the secret is 42\"}", null), note("fine too")));
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other")
                .withVerification(v -> v.level(VerificationLevel.COUNT)
                        .check("types kept", (expected, actual) -> {
                            seen.add(actual.eventId());
                            return expected.type().equals(actual.type()) ? null : "type changed";
                        })
                        .check("no secrets", (expected, actual) -> actual.payload().contains("secret")
                                ? "the payload holds a secret" : null))
                .execute();

        VerificationMismatch mismatch = verificationError(result).mismatch();
        assertThat(mismatch.field()).isEqualTo("check");
        assertThat(mismatch.check()).isEqualTo("no secrets");
        assertThat(mismatch.detail()).isEqualTo("the payload holds a secret");
        assertThat(mismatch.targetVersion()).isEqualTo(2);
        assertThat(result.error().getMessage()).contains("check 'no secrets'").contains("target version 2");
        assertThat(seen).hasSize(2);
        assertSourceUntouchedAndWritable(id, result);
    }

    @Test
    void aCheckThatThrowsIsAMismatchNamingIt() {
        String id = objectWithNotes(3);
        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other")
                .withVerification(v -> v.check((expected, actual) -> {
                    throw new IllegalStateException("boom");
                }))
                .execute();

        VerificationMismatch mismatch = verificationError(result).mismatch();
        assertThat(mismatch.check()).isEqualTo("check-1");
        assertThat(mismatch.detail()).contains("boom");
        assertThat(mismatch.targetVersion()).isEqualTo(1);
    }

    /**
     * A busy stream: writers keep writing and the close is made to lose several times. Verification before each
     * close reads only what was copied since the last one: every target event is read once.
     */
    @Test
    void hashOverABusyStreamPassesAndReadsTheTargetIncrementally() throws Exception {
        String id = objectWithNotes(4 * chunkSize());
        AtomicBoolean stop = new AtomicBoolean();
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            Thread t = new Thread(() -> {
                var handle = streams.open("Order", id);
                int n = 0;
                try {
                    while (!stop.get()) {
                        EventData e = note("w" + n++);
                        handle.append(ExpectedVersion.any(), List.of(e));
                        acknowledged.add(e.eventId());
                        Thread.sleep(3);
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }, "busy-writer-" + w);
            writers.add(t);
            t.start();
        }
        main.resetCounts();
        other.resetCounts();
        AtomicInteger forcedLosses = new AtomicInteger();
        MigrationResult result;
        try {
            result = migrations.forDocument("Order", id).withTargetStore("other")
                    .withVerification(v -> v.level(VerificationLevel.HASH))
                    .withLiveMigration(o -> o.catchUpDelay(Duration.ofMillis(2))
                            .onConvergenceFailure(ConvergenceFailureStrategy.PAUSE_SOURCE)
                            .closeAttemptsBeforePause(6)
                            .onCatchUpProgress(p -> {
                                if (forcedLosses.get() < 4) { // a write between copy and close: the close loses
                                    forcedLosses.incrementAndGet();
                                    streams.open("Order", id).append(ExpectedVersion.any(), List.of(note("forced")));
                                }
                            }))
                    .start().await(Duration.ofMinutes(3));
        } finally {
            stop.set(true);
            for (Thread t : writers) {
                t.join(60_000);
            }
        }
        assertThat(errors).isEmpty();
        assertThat(result.isSuccess()).as("result %s", result.error()).isTrue();
        assertThat(result.statistics().catchUpAttempts()).isGreaterThanOrEqualTo(5);
        CloseEvent close = main.closeEvent(source(id));
        assertThat(close).isNotNull();
        long closedAt = close.targetVersionAtClose();
        assertThat(result.verification().matched()).isTrue();
        assertThat(result.verification().targetVersion()).isEqualTo(closedAt);
        assertThat(result.verification().eventsCompared()).isEqualTo(closedAt);

        // the target was read back by the verification only, each event once, in increasing ranges: a close that
        // lost did not make the next verification read the stream again
        long next = 1;
        for (long[] read : other.readCalls(target(id))) {
            if (read[0] > closedAt) {
                continue; // a read after the cutover
            }
            assertThat(read[0]).as("a target read starts where the last one ended").isEqualTo(next);
            next = read[0] + read[1];
        }
        assertThat(next - 1).isEqualTo(closedAt);
        // and HASH read nothing of the source again: the copy read each source event once
        assertThat(main.eventsRead(source(id))).isLessThanOrEqualTo(close.lastSourceVersion() + chunkSize());
        List<String> ids = new ArrayList<>();
        try (var all = streams.open("Order", id).readAll()) {
            all.forEach(e -> ids.add(e.eventId()));
        }
        assertThat(ids).containsAll(acknowledged).doesNotHaveDuplicates();
    }

    /**
     * The close that always wins: verification runs before the writers are held (the bulk) and again under the hold,
     * on what was copied under it. Here that is an event a writer added just before the hold, and it is tampered with
     * right after its copy: the verification under the hold catches it, and the hold is lifted.
     */
    @ParameterizedTest
    @EnumSource(value = VerificationLevel.class, names = {"HASH", "FULL"})
    void underTheHoldOnlyWhatWasCopiedUnderItIsVerifiedAndAMismatchLiftsTheHold(VerificationLevel level) {
        for (boolean tamper : List.of(false, true)) {
            String id = objectWithNotes(2 * chunkSize());
            EventData late = note("late");
            AtomicBoolean added = new AtomicBoolean();
            other.resetCounts();
            main.resetCounts();
            MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other")
                    .withVerification(v -> v.level(level))
                    .withLiveMigration(o -> o.onConvergenceFailure(ConvergenceFailureStrategy.PAUSE_SOURCE)
                            .closeAttemptsBeforePause(0) // hold the writers for the first close
                            .onCatchUpProgress(p -> {
                                if (added.compareAndSet(false, true)) {
                                    streams.open("Order", id).append(ExpectedVersion.any(), List.of(late));
                                }
                            })
                            .onEventCopied(e -> {
                                if (tamper && e.eventId().equals(late.eventId())) {
                                    other.tamperPayload(target(id), e.version(), "{\"text\":\"late, changed\"}");
                                }
                            }))
                    .execute();
            long lateVersion = main.version(source(id)) - (tamper ? 0 : 1);
            assertThat(main.holds()).as("the writers were held for the close").isPositive();
            if (tamper) {
                VerificationMismatch mismatch = verificationError(result).mismatch();
                assertThat(mismatch.eventId()).isEqualTo(late.eventId());
                assertThat(mismatch.targetVersion()).isEqualTo(lateVersion);
                assertThat(mismatch.field()).isEqualTo("payload");
                assertSourceUntouchedAndWritable(id, result); // the hold was lifted
            } else {
                assertThat(result.isSuccess()).as("result %s", result.error()).isTrue();
                assertThat(result.verification().eventsCompared()).isEqualTo(lateVersion);
                List<long[]> reads = other.readCalls(target(id));
                long[] lastRead = reads.get(reads.size() - 1);
                assertThat(lastRead[0]).as("the verification under the hold read the late event only")
                        .isEqualTo(lateVersion);
                assertThat(lastRead[1]).isEqualTo(1);
            }
        }
    }

    /** A run that resumes a copy begun by a run that died hashes what the dead run copied from the source. */
    @Test
    void aResumedCopyIsVerifiedWhole() {
        String id = objectWithNotes(3 * chunkSize());
        otherFaults.crashOn(2, batch -> true, FaultInjectingEventStore.When.AFTER_WRITE);
        MigrationResult crashed = migrations.forDocument("Order", id).withTargetStore("other")
                .withVerification(v -> v.level(VerificationLevel.HASH)).execute();
        assertThat(crashed.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(crashed.error()).isNotInstanceOf(MigrationVerificationException.class);
        assertThat(other.version(target(id))).isEqualTo(2L * chunkSize());

        MigrationResult resumed = migrations.resume(crashed.migrationId());
        assertThat(resumed.isSuccess()).as("result %s", resumed.error()).isTrue();
        assertThat(resumed.verification().matched()).isTrue();
        assertThat(resumed.verification().eventsCompared()).isEqualTo(other.version(target(id)));
    }

    @Test
    void theStatusIsVerifyingWhileAVerificationReadsMoreThanAPage() {
        String id = objectWithNotes(3 * chunkSize());
        List<MigrationStatus> statuses = Collections.synchronizedList(new ArrayList<>());
        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other")
                .withVerification(v -> v.level(VerificationLevel.FULL))
                .withProgress(p -> p.interval(Duration.ZERO).onProgress(progress -> statuses.add(progress.status())))
                .execute();
        assertThat(result.isSuccess()).as("result %s", result.error()).isTrue();
        assertThat(statuses).contains(MigrationStatus.VERIFYING);
        assertThat(statuses.indexOf(MigrationStatus.VERIFYING))
                .isLessThan(statuses.indexOf(MigrationStatus.CUTTING_OVER));
    }

    @Test
    void fullNeedsADeterministicTransformerWhileHashComparesWhatWasAppended() {
        EventTransformer stamping = FunctionTransformer.upcast("NoteAdded", 1, e -> new EventData(e.eventId(),
                "NoteAdded", 2, "{\"nonce\":\"" + UUID.randomUUID() + "\"}", e.metadata()));
        String hashed = objectWithNotes(chunkSize() + 1);
        MigrationResult hash = migrations.forDocument("Order", hashed).withTargetStore("other")
                .withTransformer(stamping).withVerification(v -> v.level(VerificationLevel.HASH)).execute();
        assertThat(hash.isSuccess()).as("result %s", hash.error()).isTrue();

        String full = objectWithNotes(chunkSize() + 1);
        MigrationResult compared = migrations.forDocument("Order", full).withTargetStore("other")
                .withTransformer(stamping).withVerification(v -> v.level(VerificationLevel.FULL)).execute();
        VerificationMismatch mismatch = verificationError(compared).mismatch();
        assertThat(mismatch.field()).isEqualTo("payload");
        assertThat(mismatch.detail()).contains("$.nonce");
        assertThat(mismatch.targetVersion()).isEqualTo(1);
    }

    @Test
    void skippedEventsAreSkippedByTheVerificationToo() {
        String id = objectWithNotes(12);
        EventTransformer failsOnNoise = FunctionTransformer.many("Noise", e -> {
            throw new IllegalArgumentException("cannot read noise");
        });
        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other")
                .withTransformer(failsOnNoise).onTransformFailure(TransformFailurePolicy.SKIP_AND_RECORD)
                .withVerification(v -> v.level(VerificationLevel.FULL))
                .execute();
        assertThat(result.isSuccess()).as("result %s", result.error()).isTrue();
        assertThat(result.skippedEvents()).hasSize(2);
        assertThat(result.verification().eventsCompared()).isEqualTo(12);
    }

    @Test
    void aFailedVerificationIsReportedAgainOnAReRunUntilTheTargetIsDiscarded() {
        String id = objectWithNotes(chunkSize() + 4);
        AtomicBoolean tampered = new AtomicBoolean();
        MigrationResult first = migrations.forDocument("Order", id).withTargetStore("other")
                .withVerification(v -> v.level(VerificationLevel.HASH))
                .withLiveMigration(o -> o.onCatchUpProgress(p -> {
                    if (tampered.compareAndSet(false, true)) {
                        other.tamperPayload(target(id), 3, "{\"text\":\"x\"}");
                    }
                }))
                .execute();
        assertThat(verificationError(first).mismatch().targetVersion()).isEqualTo(3);

        // a re-run resumes the same migration and its target: the damage is found again, from the source
        MigrationResult again = migrations.forDocument("Order", id).withTargetStore("other")
                .withVerification(v -> v.level(VerificationLevel.HASH)).execute();
        assertThat(again.migrationId()).isEqualTo(first.migrationId());
        assertThat(verificationError(again).mismatch().targetVersion()).isEqualTo(3);
        assertThat(main.closeEvent(source(id))).isNull();

        // the operator discards the target (here: deletes it) and runs the migration again
        other.delete(target(id));
        MigrationResult clean = migrations.forDocument("Order", id).withTargetStore("other")
                .withVerification(v -> v.level(VerificationLevel.HASH)).execute();
        assertThat(clean.isSuccess()).as("result %s", clean.error()).isTrue();
        assertThat(clean.verification().matched()).isTrue();
    }

    // ---------------------------------------------------------------- standalone, after the cutover

    @ParameterizedTest
    @EnumSource(VerificationLevel.class)
    void aFinishedMigrationVerifiesAndStillDoesWithWritesAfterTheCutover(VerificationLevel level) {
        String id = objectWithNotes(2 * chunkSize() + 1);
        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other")
                .withTransformer(UPCAST_AND_DROP_NOISE).execute();
        assertThat(result.isSuccess()).as("result %s", result.error()).isTrue();
        long copied = other.version(target(id));
        streams.open("Order", id).append(ExpectedVersion.any(), List.of(note("after the cutover")));

        VerificationResult verified = migrations.verify(result.migrationId(), level);
        assertThat(verified.matched()).as("verification %s", verified).isTrue();
        assertThat(verified.firstMismatch()).isNull();
        assertThat(verified.targetVersion()).isEqualTo(copied);
        assertThat(verified.sourceVersion()).isEqualTo(main.version(source(id)) - 1);
        assertThat(verified.eventsCompared()).isEqualTo(copied);
    }

    @Test
    void aFinishedMigrationWhoseTargetPrefixWasTamperedWithFailsItsVerification() {
        String id = objectWithNotes(chunkSize() + 10);
        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other").execute();
        assertThat(result.isSuccess()).as("result %s", result.error()).isTrue();
        StoredEvent victim = other.read(target(id), 7, 1).get(0);
        String text = Json.tree(victim.payload()).get("text").asString();
        other.tamperPayload(target(id), 7, victim.payload().replace("\"" + text + "\"", "\"edited\""));

        for (VerificationLevel level : List.of(VerificationLevel.HASH, VerificationLevel.FULL)) {
            VerificationResult verified = migrations.verify(result.migrationId(), level);
            assertThat(verified.matched()).isFalse();
            VerificationMismatch mismatch = verified.firstMismatch();
            assertThat(mismatch.targetVersion()).isEqualTo(7);
            assertThat(mismatch.eventId()).isEqualTo(victim.eventId());
            assertThat(mismatch.field()).isEqualTo("payload");
            assertThat(mismatch.detail()).contains("$.text");
            assertThat(verified.eventsCompared()).isEqualTo(7);
        }
        // counts do not see a changed payload
        assertThat(migrations.verify(result.migrationId(), VerificationLevel.COUNT).matched()).isTrue();
    }

    @Test
    void onlyFullComparesMetadata() {
        String id = objectWithNotes(5);
        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other").execute();
        assertThat(result.isSuccess()).isTrue();
        other.tamper(target(id), 2, e -> {
            Map<String, String> metadata = new HashMap<>(e.metadata());
            metadata.put("by", "someone else");
            return new StoredEvent(e.eventId(), e.type(), e.schemaVersion(), e.version(), e.payload(), metadata,
                    e.recordedAt());
        });
        assertThat(migrations.verify(result.migrationId(), VerificationLevel.HASH).matched()).isTrue();
        VerificationMismatch mismatch = migrations.verify(result.migrationId(), VerificationLevel.FULL)
                .firstMismatch();
        assertThat(mismatch).isNotNull();
        assertThat(mismatch.field()).isEqualTo("metadata");
        assertThat(mismatch.detail()).contains("'by'");
        assertThat(mismatch.targetVersion()).isEqualTo(2);
    }

    @Test
    void anotherProcessVerifiesATransformedMigrationOnlyWithItsTransformer() {
        String id = objectWithNotes(8);
        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other")
                .withTransformer(UPCAST_AND_DROP_NOISE).execute();
        assertThat(result.isSuccess()).isTrue();
        try (DefaultEventStreamMigrationService elsewhere = newService()) {
            VerificationResult guessed = elsewhere.verify(result.migrationId(), VerificationLevel.FULL);
            assertThat(guessed.matched()).isFalse();
            assertThat(guessed.firstMismatch().targetVersion()).isEqualTo(1);
            assertThat(guessed.firstMismatch().field()).isEqualTo("schemaVersion");
            assertThat(guessed.firstMismatch().detail()).contains("pass it to verify(migrationId, level,"
                    + " transformer)");

            VerificationResult given = elsewhere.verify(result.migrationId(), VerificationLevel.FULL,
                    UPCAST_AND_DROP_NOISE);
            assertThat(given.matched()).as("verification %s", given).isTrue();
            assertThat(given.eventsCompared()).isEqualTo(other.version(target(id)));
        }
    }

    @Test
    void anUnfinishedMigrationCannotBeVerifiedStandalone() {
        String id = objectWithNotes(3);
        MigrationResult failed = migrations.forDocument("Order", id).withTargetStore("other")
                .withVerification(v -> v.check("refuse all", (expected, actual) -> "no"))
                .execute();
        assertThat(failed.status()).isEqualTo(MigrationStatus.FAILED);
        assertThatThrownBy(() -> migrations.verify(failed.migrationId(),
                        VerificationLevel.COUNT))
                .isInstanceOf(MigrationException.class).hasMessageContaining("holds no close event");
        assertThatThrownBy(() -> migrations.verify("no-such-migration",
                        VerificationLevel.COUNT))
                .isInstanceOf(MigrationException.class).hasMessageContaining("no such migration");
    }

    /** Across stores and back: each hop verified before its close and afterwards. */
    @Test
    void eachHopOfAMigrationThereAndBackVerifies() {
        String id = objectWithNotes(2 * chunkSize() + 5);
        MigrationResult there = migrations.forDocument("Order", id).withTargetStore("other")
                .withTransformer(UPCAST_AND_DROP_NOISE)
                .withVerification(v -> v.level(VerificationLevel.FULL)).execute();
        assertThat(there.isSuccess()).as("there: %s", there.error()).isTrue();
        streams.open("Order", id).append(ExpectedVersion.any(), List.of(note("between")));
        MigrationResult back = migrations.forDocument("Order", id).withTargetStore("main")
                .withVerification(v -> v.level(VerificationLevel.HASH)).execute();
        assertThat(back.isSuccess()).as("back: %s", back.error()).isTrue();
        assertThat(streams.open("Order", id).activeStream()).isEqualTo(new StreamPointer(source(id) + "-v3", "main"));

        for (MigrationResult hop : List.of(there, back)) {
            for (VerificationLevel level : VerificationLevel.values()) {
                assertThat(migrations.verify(hop.migrationId(), level).matched()).as("%s %s", hop, level).isTrue();
            }
        }
        assertThat(back.verification().eventsCompared()).isEqualTo(there.verification().eventsCompared() + 1);
        List<Integer> schemas = new ArrayList<>();
        try (var all = streams.open("Order", id).readAll()) {
            all.forEach(e -> schemas.add(e.schemaVersion()));
        }
        assertThat(schemas).hasSize((int) back.verification().eventsCompared());
        assertThat(schemas.subList(0, schemas.size() - 1)).containsOnly(2);
    }
}
