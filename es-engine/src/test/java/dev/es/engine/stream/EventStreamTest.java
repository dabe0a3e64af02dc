package dev.es.engine.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.engine.InvalidIdentifierException;
import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.document.TerminatedStream;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.event.InvalidEventException;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.AppendResult;
import dev.es.engine.store.CommitFailedException;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.EventStreamClosedException;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.FaultInjectingEventStore;
import dev.es.engine.store.UnknownStoreException;
import dev.es.engine.store.WrongExpectedVersionException;
import dev.es.engine.store.memory.InMemoryEventStore;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EventStreamTest {

    private final EventStreamsFixture fx = new EventStreamsFixture();

    private static EventData note(int n) {
        return EventData.of("NoteAdded", "{\"n\":" + n + "}");
    }

    private static List<EventData> notes(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(EventStreamTest::note).toList();
    }

    private static List<Integer> numbers(EventStream stream) {
        try (var all = stream.readAll()) {
            return all.map(e -> Integer.parseInt(e.payload().replaceAll("\\D", ""))).toList();
        }
    }

    /** Copies {@code from} into {@code to} and closes {@code from}, as a migration would, without touching the document. */
    private static void migrateByHand(EventStore fromStore, String from, EventStore toStore, String to,
                                      boolean copyHistory) {
        long sourceVersion = fromStore.version(from);
        if (copyHistory && sourceVersion > 0) {
            List<EventData> copies = fromStore.read(from, 1, 10_000).stream().map(StoredEvent::toEventData).toList();
            toStore.append(to, ExpectedVersion.any(), copies);
        }
        long targetVersion = toStore.version(to);
        CloseEvent close = new CloseEvent(to, toStore.name(), "test", copyHistory ? "m-" + from : null,
                sourceVersion, targetVersion, Instant.now());
        fromStore.append(from, ExpectedVersion.exactly(sourceVersion), List.of(close.toEventData()));
    }

    @Test
    void openCreatesTheDocumentOnFirstUseInTheDefaultStore() {
        EventStream stream = fx.streams.open("Order", "42");
        assertThat(stream.activeStream()).isEqualTo(new StreamPointer("order-42", "main"));
        assertThat(fx.documents.get("Order", "42")).isPresent();
        assertThat(fx.streams.open("Order", "42").document().etag()).isEqualTo(stream.document().etag());
        assertThat(fx.streams.find("Order", "43")).isEmpty();
    }

    @Test
    void appendsAndReadsBackInOrder() {
        EventStream stream = fx.streams.open("Order", "1");
        stream.append(ExpectedVersion.noStream(), notes(0, 3));
        AppendResult result = stream.session(ExpectedVersion.exactly(3), s -> s.append(note(3)).append(note(4)));
        assertThat(result.newVersion()).isEqualTo(5);
        assertThat(stream.version()).isEqualTo(5);
        assertThat(numbers(stream)).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void aSessionIsOneAtomicCommit() {
        EventStream stream = fx.streams.open("Order", "1");
        stream.append(note(0));
        assertThatThrownBy(() -> stream.session(ExpectedVersion.exactly(0), s -> s.append(note(1)).append(note(2))))
                .isInstanceOf(WrongExpectedVersionException.class);
        assertThat(numbers(stream)).containsExactly(0);
    }

    @Test
    void aWriterWhoseStreamIsClosedMidSessionLandsOnTheContinuation() {
        EventStream writer = fx.streams.open("Order", "7");
        writer.append(ExpectedVersion.noStream(), notes(0, 3));

        AppendResult result = writer.session(ExpectedVersion.exactly(3), session -> {
            session.append(note(3));
            // while the writer is busy, a migration copies the stream to another store and closes it
            migrateByHand(fx.main, "order-7", fx.other, "order-7-v2", true);
            session.append(note(4));
        });

        assertThat(result.streamId()).isEqualTo("order-7-v2");
        assertThat(result.store()).isEqualTo("other");
        assertThat(result.newVersion()).isEqualTo(5);
        assertThat(writer.activeStream()).isEqualTo(new StreamPointer("order-7-v2", "other"));
        assertThat(fx.main.version("order-7")).isEqualTo(4); // 3 events and the close
        assertThat(numbers(writer)).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void theExpectedVersionCarriesOverWhenTheTargetNumbersDifferently() {
        EventStream writer = fx.streams.open("Order", "8");
        writer.append(ExpectedVersion.noStream(), notes(0, 3));
        fx.other.append("order-8-v2", ExpectedVersion.any(), notes(100, 1)); // the target already held one event
        migrateByHand(fx.main, "order-8", fx.other, "order-8-v2", true); // target at 4 when closed

        AppendResult result = writer.append(ExpectedVersion.exactly(3), List.of(note(3)));
        assertThat(result.previousVersion()).isEqualTo(4);
        assertThat(result.newVersion()).isEqualTo(5);
    }

    @Test
    void aPositionReadFromAnotherObjectIsRefusedAndWritesNothing() {
        EventStream a = fx.streams.open("Order", "30");
        a.append(ExpectedVersion.noStream(), notes(0, 2));
        EventStream b = fx.streams.open("Order", "31");
        b.append(ExpectedVersion.noStream(), notes(10, 2));

        StreamVersion ofA = a.position();
        assertThatThrownBy(() -> b.append(ofA, List.of(note(12))))
                .isInstanceOfSatisfying(StreamOfAnotherObjectException.class, e -> {
                    assertThat(e.stream()).isEqualTo(new StreamPointer("order-30", "main"));
                    assertThat(e.objectId()).isEqualTo("31");
                    assertThat(e.getMessage()).contains("order-30").contains("Order/31");
                });
        assertThatThrownBy(() -> b.session(ofA, s -> s.append(note(12))))
                .isInstanceOf(StreamOfAnotherObjectException.class);
        assertThat(numbers(a)).containsExactly(0, 1);
        assertThat(numbers(b)).containsExactly(10, 11);
    }

    @Test
    void aPositionOnAContinuationTheDocumentDoesNotKnowYetIsTheObjects() {
        EventStream writer = fx.streams.open("Order", "32");
        writer.append(ExpectedVersion.noStream(), notes(0, 2));
        migrateByHand(fx.main, "order-32", fx.other, "order-32-v2", true); // the cutover has not reached the document

        StreamVersion read = writer.position();
        assertThat(read.stream()).isEqualTo(new StreamPointer("order-32-v2", "other"));
        AppendResult result = fx.streams.open("Order", "32").append(read, List.of(note(2)));
        assertThat(result.streamId()).isEqualTo("order-32-v2");
        assertThat(numbers(writer)).containsExactly(0, 1, 2);
    }

    @Test
    void aStaleWriterStillGetsWrongExpectedVersion() {
        EventStream writer = fx.streams.open("Order", "9");
        writer.append(ExpectedVersion.noStream(), notes(0, 3));
        migrateByHand(fx.main, "order-9", fx.other, "order-9-v2", true);

        assertThatThrownBy(() -> writer.append(ExpectedVersion.exactly(2), List.of(note(3))))
                .isInstanceOfSatisfying(WrongExpectedVersionException.class, e -> {
                    assertThat(e.actual()).isEqualTo(3);
                    assertThat(e.expected()).isEqualTo(ExpectedVersion.exactly(2));
                });
        assertThat(fx.other.version("order-9-v2")).isEqualTo(3);
    }

    @Test
    void aWriterOnTheContinuationAfterOthersWroteThereGetsAConflict() {
        EventStream writer = fx.streams.open("Order", "10");
        writer.append(ExpectedVersion.noStream(), notes(0, 2));
        migrateByHand(fx.main, "order-10", fx.other, "order-10-v2", true);
        fx.other.append("order-10-v2", ExpectedVersion.exactly(2), notes(2, 1)); // someone already on the target

        assertThatThrownBy(() -> writer.append(ExpectedVersion.exactly(2), List.of(note(9))))
                .isInstanceOf(WrongExpectedVersionException.class);
        // the failed append left the handle where the writer read: a number of the continuation means nothing there
        assertThat(writer.activeStream().streamId()).isEqualTo("order-10");
        assertThatThrownBy(() -> writer.append(ExpectedVersion.exactly(3), List.of(note(9))))
                .isInstanceOf(WrongExpectedVersionException.class);
        StreamVersion latest = writer.position();
        assertThat(latest).isEqualTo(new StreamVersion(new StreamPointer("order-10-v2", "other"), 3));
        writer.append(latest, List.of(note(3)));
        assertThat(numbers(writer)).containsExactly(0, 1, 2, 3);
    }

    @Test
    void aChainOfThreeContinuationsIsFollowedAndAFourthHopFails() {
        EventStream writer = fx.streams.open("Order", "11");
        writer.append(ExpectedVersion.noStream(), notes(0, 2));
        migrateByHand(fx.main, "order-11", fx.other, "s1", true);
        migrateByHand(fx.other, "s1", fx.main, "s2", true);
        migrateByHand(fx.main, "s2", fx.other, "s3", true);

        AppendResult result = writer.append(ExpectedVersion.exactly(2), List.of(note(2)));
        assertThat(result.streamId()).isEqualTo("s3");
        assertThat(numbers(writer)).containsExactly(0, 1, 2);

        EventStream another = fx.streams.open("Order", "12");
        another.append(ExpectedVersion.noStream(), notes(0, 1));
        migrateByHand(fx.main, "order-12", fx.other, "t1", true);
        migrateByHand(fx.other, "t1", fx.main, "t2", true);
        migrateByHand(fx.main, "t2", fx.other, "t3", true);
        migrateByHand(fx.other, "t3", fx.main, "t4", true);
        assertThatThrownBy(() -> another.append(ExpectedVersion.any(), List.of(note(1))))
                .isInstanceOfSatisfying(ContinuationRetriesExhaustedException.class, e -> {
                    assertThat(e.hops()).isEqualTo(3);
                    assertThat(e.streamId()).isEqualTo("t3");
                    assertThat(e.continuationStreamId()).isEqualTo("t4");
                    assertThat(e.getMessage()).contains("maxStreamContinuationRetries");
                });
        assertThat(fx.main.version("t4")).isEqualTo(1);
    }

    @Test
    void withoutAutoRetryTheWriterSeesTheClosedStream() {
        EventStreamsFixture noRetry = new EventStreamsFixture(
                EventStreamSettings.defaults().withAutoRetryOnStreamClosure(false));
        EventStream writer = noRetry.streams.open("Order", "13");
        writer.append(note(0));
        migrateByHand(noRetry.main, "order-13", noRetry.other, "order-13-v2", true);

        assertThatThrownBy(() -> writer.append(note(1)))
                .isInstanceOfSatisfying(EventStreamClosedException.class, e -> {
                    assertThat(e.hasContinuation()).isTrue();
                    assertThat(e.continuationStreamId()).isEqualTo("order-13-v2");
                    assertThat(e.continuationStore()).isEqualTo("other");
                });
    }

    @Test
    void readAllSkipsHistoryCopiedByAMigrationAndKeepsHistoryOfAPlainContinuation() {
        EventStream stream = fx.streams.open("Order", "14");
        stream.append(ExpectedVersion.noStream(), notes(0, 2));
        // books closed without copying: the old stream's events are part of the history
        migrateByHand(fx.main, "order-14", fx.main, "order-14-b", false);
        stream.append(ExpectedVersion.exactly(2), List.of(note(2)));
        assertThat(fx.main.version("order-14-b")).isEqualTo(1);
        // then a migration copies the plain continuation elsewhere
        migrateByHand(fx.main, "order-14-b", fx.other, "order-14-c", true);
        stream.append(note(3));

        assertThat(numbers(stream)).containsExactly(0, 1, 2, 3);
        try (var all = fx.streams.open("Order", "14").readAll()) {
            assertThat(all.noneMatch(StoredEvent::isCloseEvent)).isTrue();
        }
    }

    @Test
    void readAllFollowsTheDocumentsTerminatedStreams() {
        EventStream stream = fx.streams.open("Order", "15");
        stream.append(ExpectedVersion.noStream(), notes(0, 2));
        migrateByHand(fx.main, "order-15", fx.other, "order-15-v2", true);
        ObjectDocument doc = fx.documents.get("Order", "15").orElseThrow();
        fx.documents.update(doc.cutOver(new StreamPointer("order-15-v2", "other"), new TerminatedStream("order-15",
                "main", "migration", "order-15-v2", "other", 2, Instant.now())));

        EventStream fresh = fx.streams.open("Order", "15");
        assertThat(fresh.activeStream().streamId()).isEqualTo("order-15-v2");
        fresh.append(ExpectedVersion.exactly(2), List.of(note(2)));
        assertThat(numbers(fresh)).containsExactly(0, 1, 2);
        assertThat(fresh.replay(e -> { }).version()).isEqualTo(3);
    }

    @Test
    void anUnknownOutcomeIsCommitFailedAndRetryingTheSameEventsWritesThemOnce() {
        FaultInjectingEventStore faulty = new FaultInjectingEventStore(new InMemoryEventStore("main"));
        EventStreamsFixture f = new EventStreamsFixture(EventStreamSettings.defaults(), faulty,
                new InMemoryEventStore("other"));
        EventStream stream = f.streams.open("Order", "16");
        stream.append(note(0));
        List<EventData> batch = notes(1, 3);
        faulty.failOn(1, b -> true, FaultInjectingEventStore.When.AFTER_WRITE);

        assertThatThrownBy(() -> stream.append(ExpectedVersion.exactly(1), batch))
                .isInstanceOfSatisfying(CommitFailedException.class, e -> {
                    assertThat(e.eventsMayBeWritten()).isTrue();
                    assertThat(e.originalVersion()).isEqualTo(1);
                    assertThat(e.attemptedVersion()).isEqualTo(4);
                });
        AppendResult retry = stream.append(ExpectedVersion.exactly(1), batch);
        assertThat(retry.alreadyWritten()).isTrue();
        assertThat(numbers(stream)).containsExactly(0, 1, 2, 3);
    }

    @Test
    void badInputIsATypedErrorThatWritesNothing() {
        assertThatThrownBy(() -> fx.streams.open("Order", "has space"))
                .isInstanceOf(InvalidIdentifierException.class).hasMessageContaining("has space");
        assertThatThrownBy(() -> fx.streams.open("", "1"))
                .isInstanceOf(InvalidIdentifierException.class).hasMessageContaining("objectName");
        assertThatThrownBy(() -> fx.streams.open("Order", null))
                .isInstanceOf(InvalidIdentifierException.class).hasMessageContaining("null");
        assertThatThrownBy(() -> EventData.of("NoteAdded", "not json"))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("is not JSON").hasMessageNotContaining("not json");
        EventStream stream = fx.streams.open("Order", "17");
        assertThatThrownBy(() -> stream.append(ExpectedVersion.any(), List.of()))
                .isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> stream.append(new CloseEvent(null, null, "x", null, 0, 0, null).toEventData()))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("Close events");
        assertThatThrownBy(() -> stream.append(note(1), null))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("Event 1").hasMessageContaining("null");
        assertThat(stream.version()).isZero();

        ObjectDocument elsewhere = ObjectDocument.create("Order", "18", new StreamPointer("order-18", "nowhere"));
        fx.documents.create(elsewhere);
        assertThatThrownBy(() -> fx.streams.open("Order", "18").append(note(1)))
                .isInstanceOfSatisfying(UnknownStoreException.class,
                        e -> assertThat(e.storeName()).isEqualTo("nowhere"));
        assertThatThrownBy(() -> new EventStreams(fx.streams.stores(), fx.documents, fx.tags,
                EventStreamSettings.defaults(), "missing")).isInstanceOf(UnknownStoreException.class)
                .hasMessageContaining("missing");
    }

    @Test
    void tagsAreSetOnTheDocumentAndQueried() {
        EventStream a = fx.streams.open("Order", "20");
        EventStream b = fx.streams.open("Order", "21");
        fx.streams.open("Order", "22");
        a.tag("vip", "gold");
        b.tag("vip");
        b.tagActiveStream("hot");

        assertThat(fx.streams.documentsWithTag("Order", "vip")).containsExactlyInAnyOrder("20", "21");
        assertThat(fx.documents.get("Order", "20").orElseThrow().tags()).containsEntry("vip", "gold");
        assertThat(fx.streams.streamsWithTag("hot")).containsExactly(new StreamPointer("order-21", "main"));

        a.untag("vip");
        assertThat(fx.streams.documentsWithTag("Order", "vip")).containsExactly("21");
        assertThat(fx.documents.get("Order", "20").orElseThrow().tags()).doesNotContainKey("vip");
        assertThatThrownBy(() -> a.tag("bad tag")).isInstanceOf(InvalidIdentifierException.class);
        String etag = fx.documents.get("Order", "21").orElseThrow().etag();
        assertThatThrownBy(() -> b.untag("bad tag")).isInstanceOf(InvalidIdentifierException.class);
        assertThatThrownBy(() -> b.tag("vip", "a\0b")).isInstanceOf(InvalidIdentifierException.class)
                .hasMessageContaining("U+0000");
        assertThat(fx.documents.get("Order", "21").orElseThrow().etag()).as("the document untouched").isEqualTo(etag);
        assertThatThrownBy(() -> fx.streams.documentsWithTag("Order", "bad tag"))
                .isInstanceOf(InvalidIdentifierException.class);
    }

    @Test
    void aMillionEventsFitAndReadBackInPages() {
        EventStream stream = fx.streams.open("Order", "big");
        String payload = "{\"n\":1}";
        for (int batch = 0; batch < 1000; batch++) {
            List<EventData> events = IntStream.range(0, 1000)
                    .mapToObj(i -> new EventData(null, "NoteAdded", 1, payload, null)).toList();
            stream.append(ExpectedVersion.exactly(batch * 1000L), events);
        }
        assertThat(stream.version()).isEqualTo(1_000_000);
        long[] count = {0};
        long last = stream.replay(e -> count[0]++).version();
        assertThat(count[0]).isEqualTo(1_000_000);
        assertThat(last).isEqualTo(1_000_000);
    }
}
