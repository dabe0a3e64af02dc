package dev.es.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.engine.CorruptDataException;
import dev.es.engine.ErrorCategory;
import dev.es.engine.EsException;
import dev.es.engine.InvalidIdentifierException;
import dev.es.engine.document.DocumentStore;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.event.EventSerializer;
import dev.es.engine.internal.Json;
import dev.es.engine.event.InvalidEventException;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.event.UnknownEventTypeException;
import dev.es.engine.store.blob.AppendTooLargeException;
import dev.es.engine.store.memory.InMemoryTagStore;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad input, table-driven, for every store (issue 15): each malformed input is answered by a typed es exception
 * that names what was wrong, and nothing is written ({@link #storedItems()}, counted in the store's own table or
 * container, does not move). Then what a store keeps found garbled (written straight into its table or container
 * by {@link #garblings()}) is read back through es: a {@link CorruptDataException} naming the object or stream,
 * never a parser's exception, an {@code IllegalStateException} or a {@code NullPointerException}.
 */
@Timeout(120)
public abstract class AbstractBadInputTest {

    /** The object every test seeds: one event in its stream, so that a bad append has something to spoil. */
    protected static final String OBJECT = "Order";

    protected EventStore events;
    protected DocumentStore documents;
    protected EventStreams streams;
    private String seededId;
    private long baseline;

    /** The event store under test, new or empty for each test. */
    protected abstract EventStore createEventStore();

    /** The document store of the same kind. */
    protected abstract DocumentStore createDocumentStore();

    /**
     * How many things the stores hold, counted in their own tables or containers (rows, blobs) or, for memory, their
     * own counts: a refused input must leave it unchanged.
     */
    protected abstract long storedItems();

    /**
     * The ways what this kind of store keeps can be found garbled, each written straight into the store (SQL,
     * a blob upload, a file), then read through es.
     */
    protected abstract List<Garbling> garblings();

    /**
     * A way stored data can be found garbled.
     *
     * @param name    what is garbled, shown as the test's name
     * @param garble writes the garbage straight into the store (about the object just seeded, {@link #seededId()})
     *               and answers a read through es that must fail
     */
    public record Garbling(String name, Supplier<Garbled> garble) {
    }

    /**
     * What a {@link Garbling} did: the read through es that must fail, what its error must name, and the type of
     * error expected (a {@link CorruptDataException} unless the store has its own, such as a corrupt backup's).
     */
    public record Garbled(Executable read, String subject, Class<? extends EsException> expected) {

        /** A read that must fail with {@link CorruptDataException} naming {@code subject}. */
        public static Garbled corrupt(Executable read, String subject) {
            return new Garbled(read, subject, CorruptDataException.class);
        }
    }

    @BeforeEach
    void seed() {
        events = createEventStore();
        documents = createDocumentStore();
        streams = new EventStreams(EventStoreRegistry.of(events), documents, new InMemoryTagStore(),
                EventStreamSettings.defaults(), events.name());
        seededId = "seed-" + System.nanoTime();
        streams.open(OBJECT, seededId).append(ExpectedVersion.noStream(),
                List.of(EventData.of("OrderPlaced", "{\"customer\":\"ada\"}")));
        baseline = storedItems();
    }

    /** The id of the object seeded before each test (one event in stream {@code order-<id>}). */
    protected String seededId() {
        return seededId;
    }

    /** The seeded object's stream. */
    protected String seededStream() {
        return EventStreams.streamIdFor(OBJECT, seededId);
    }

    // ------------------------------------------------------------------------------------------------ ids

    static final List<String> BAD_IDS = List.of("a/b", "a\\b", "../etc", "..", ".", "...", "x".repeat(10_000), "",
            " ", "a b", "a\nb", "a:b", "a?b", "a%2Fb", "-a", "_a", "\u00fc", "a\u0000b", "a/../../b");

    @TestFactory
    Stream<DynamicTest> badIdsAreRefusedNamingTheIdentifierAndWriteNothing() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String id : BAD_IDS) {
            String shown = id.length() > 20 ? id.length() + " characters" : "'" + id.replace("\n", "\\n")
                    .replace("\u0000", "\\0") + "'";
            tests.add(refused("append to stream " + shown, "streamId", () -> events.append(id,
                    ExpectedVersion.any(), List.of(EventData.of("T", "{}")))));
            tests.add(refused("read stream " + shown, "streamId", () -> events.read(id, 1, 10)));
            tests.add(refused("version of stream " + shown, "streamId", () -> events.version(id)));
            tests.add(refused("document of object id " + shown, "objectId", () -> documents.get(OBJECT, id)));
            tests.add(refused("document of object name " + shown, "objectName", () -> documents.get(id, "1")));
            tests.add(refused("open object id " + shown, "objectId", () -> streams.open(OBJECT, id)));
        }
        return tests.stream();
    }

    private DynamicTest refused(String name, String kind, Executable call) {
        return DynamicTest.dynamicTest(name, () -> {
            assertThatThrownBy(call::execute).isInstanceOfSatisfying(InvalidIdentifierException.class, e -> {
                assertThat(e.kind()).isEqualTo(kind);
                assertThat(e.category()).isEqualTo(ErrorCategory.USAGE);
                assertThat(e).hasMessageContaining(kind);
            });
            assertNothingWritten();
        });
    }

    // ------------------------------------------------------------------------------------------- payloads

    @Test
    void aTenMegabytePayloadIsRefusedBeforeTheStoreIsAsked() {
        String payload = "\"" + "x".repeat(10_000_000) + "\"";
        assertTooLarge(EventData.of("Big", payload));
    }

    @Test
    void aPayloadJustOverTheStoresLimitIsRefused() {
        long limit = events.maxEventBytes().orElseThrow(() -> new AssertionError(
                "every built-in store declares its largest event; " + events.name() + " does not"));
        EventData empty = new EventData("just-over", "Big", 1, "\"\"", Map.of());
        long base = events.eventBytes(empty);
        EventData justOver = new EventData("just-over", "Big", 1,
                "\"" + "x".repeat((int) (limit + 1 - base)) + "\"", Map.of());
        assertThat(events.eventBytes(justOver)).isEqualTo(limit + 1);
        assertTooLarge(justOver);
    }

    private void assertTooLarge(EventData big) {
        String stream = seededStream();
        assertThatThrownBy(() -> events.append(stream, ExpectedVersion.exactly(1), List.of(big)))
                .isInstanceOfSatisfying(EsException.class, e -> {
                    assertThat(e).isInstanceOfAny(EventTooLargeException.class, AppendTooLargeException.class);
                    assertThat(e.category()).isEqualTo(ErrorCategory.USAGE);
                    assertThat(e).hasMessageContaining(stream).hasMessageContaining("nothing was written")
                            .hasMessageNotContaining("xxxxxxxx");
                });
        assertThat(events.version(stream)).isEqualTo(1);
        assertNothingWritten();
    }

    static final List<String> INVALID_JSON = List.of("{not json", "{\"a\":1", "{\"a\":1} trailing", "undefined",
            "'single'", "", "   ", "NaN", "{\"a\":01}", "[1,]", "{\"a\" 1}", "\"unterminated");

    @TestFactory
    Stream<DynamicTest> invalidJsonIsRefusedWithoutQuotingIt() {
        return INVALID_JSON.stream().map(json -> DynamicTest.dynamicTest("payload '" + json + "'", () -> {
            assertThatThrownBy(() -> events.append(seededStream(), ExpectedVersion.exactly(1),
                    List.of(new EventData("bad-json", "T", 1, json, Map.of()))))
                    .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                        assertThat(e).hasMessageContaining("bad-json").hasMessageContaining("not JSON");
                        if (json.strip().length() > 3) {
                            assertThat(e.getMessage()).doesNotContain(json);
                        }
                    });
            assertNothingWritten();
        }));
    }

    @Test
    void surrogatePairsAreKeptAsCharactersAndAsEscapes() {
        String payload = "{\"raw\":\"\ud83d\ude00\",\"escaped\":\"\\ud83d\\ude00\"}";
        events.append(seededStream(), ExpectedVersion.exactly(1), List.of(new EventData("pair", "T", 1, payload,
                Map.of())));
        StoredEvent read = events.read(seededStream(), 2, 1).get(0);
        assertThat(Json.tree(read.payload())).isEqualTo(Json.tree(payload));
        assertThat(Json.tree(read.payload()).get("raw").asString()).isEqualTo("\ud83d\ude00");
    }

    @Test
    void malformedEventsAreRefusedNamingWhatIsWrong() {
        List<Map.Entry<Supplier<EventData>, String>> cases = List.of(
                Map.entry(() -> new EventData("e1", "", 1, "{}", Map.of()), "no type"),
                Map.entry(() -> new EventData("e2", "T".repeat(201), 1, "{}", Map.of()), "at most 200"),
                Map.entry(() -> new EventData("e".repeat(101), "T", 1, "{}", Map.of()), "at most 100"),
                Map.entry(() -> new EventData("e3", "T", 0, "{}", Map.of()), "schema version 0"),
                Map.entry(() -> new EventData("e4", "T", -7, "{}", Map.of()), "schema version -7"),
                Map.entry(() -> new EventData("e5", "T", 1, "{}", Map.of(EventData.RECORDED_AT, "yesterday")),
                        EventData.RECORDED_AT),
                Map.entry(() -> new EventData("e6", "T", 1, "{\"a\":\"x\\u0000y\"}", Map.of()), "U+0000"),
                Map.entry(() -> new EventData("e7", "T", 1, "{}", Map.of("note", "a\0b")), "U+0000"),
                Map.entry(() -> new EventData("e8", "T", 1, "{\"a\":\"x\\ud800y\"}", Map.of()), "surrogate"),
                Map.entry(() -> new EventData("e9", "T", 1, "{\"a\":\"\\udc00\\ud800\"}", Map.of()), "surrogate"),
                Map.entry(() -> new EventData("e10", "T", 1, "{\"a\":\"x\ud800\"}", Map.of()), "surrogate"),
                Map.entry(() -> new EventData("e\0", "T", 1, "{}", Map.of()), "Event id 'e?'"),
                Map.entry(() -> new EventData("e11", "T\0", 1, "{}", Map.of()), "Event type 'T?'"),
                Map.entry(() -> new EventData("e12\udc00", "T", 1, "{}", Map.of()), "surrogate"),
                Map.entry(() -> new EventData("e13", "T\ud800", 1, "{}", Map.of()), "surrogate"),
                Map.entry(() -> new EventData("e14", "T", 1, "{}", Map.of("note", "x\ud800")), "surrogate"),
                Map.entry(() -> new EventData("e15", "T", 1, "{}", nullValue("note")), "null value, for key 'note'"),
                Map.entry(() -> EventData.of("T", "{}").withMetadata("note", null), "null value"),
                Map.entry(() -> new EventData("e16", "T", 1, "{}", nullValue(null)), "null key"));
        for (var c : cases) {
            assertThatThrownBy(() -> events.append(seededStream(), ExpectedVersion.exactly(1),
                    List.of(c.getKey().get()))).isInstanceOf(InvalidEventException.class)
                    .hasMessageContaining(c.getValue());
        }
        assertNothingWritten();
    }

    /** Metadata with {@code key} mapped to null (a null key when {@code key} is null). */
    private static Map<String, String> nullValue(String key) {
        Map<String, String> metadata = new java.util.HashMap<>();
        metadata.put(key, key == null ? "x" : null);
        return metadata;
    }

    @Test
    void aCloseEventNoReaderCouldFollowIsRefusedNotStored() {
        for (String payload : List.of("{\"lastSourceVersion\":\"many\"}", "[1,2]", "{\"closedAt\":\"soon\"}",
                "{\"continuationStreamId\":\"x\"}", "{\"lastSourceVersion\":-1}")) {
            assertThatThrownBy(() -> events.append(seededStream(), ExpectedVersion.exactly(1),
                    List.of(new EventData("bad-close", CloseEvent.TYPE, 1, payload, Map.of()))))
                    .as(payload).isInstanceOf(InvalidEventException.class).hasMessageContaining("close event");
        }
        assertThat(events.closeEvent(seededStream())).isNull();
        assertNothingWritten();
    }

    @Test
    void anEventOfAnUnknownTypeIsATypedErrorNamingTheType() {
        EventSerializer serializer = new EventSerializer().register(String.class, "Known");
        StoredEvent stored = streams.open(OBJECT, seededId()).readAll().findFirst().orElseThrow();
        assertThatThrownBy(() -> serializer.deserialize(stored)).isInstanceOf(UnknownEventTypeException.class)
                .hasMessageContaining("OrderPlaced");
        assertNothingWritten();
    }

    // ------------------------------------------------------------------------------------------- versions

    @Test
    void negativeAndAbsurdVersionsAreTypedErrorsAndWriteNothing() {
        String stream = seededStream();
        List<EventData> one = List.of(EventData.of("T", "{}"));
        assertThatThrownBy(() -> ExpectedVersion.exactly(-1)).isInstanceOfSatisfying(InvalidVersionException.class,
                e -> assertThat(e.value()).isEqualTo(-1));
        assertThatThrownBy(() -> ExpectedVersion.exactly(Long.MIN_VALUE)).isInstanceOf(InvalidVersionException.class)
                .hasMessageContaining("expected version");
        assertThatThrownBy(() -> events.read(stream, 0, 10)).isInstanceOf(InvalidVersionException.class)
                .hasMessageContaining("fromVersion");
        assertThatThrownBy(() -> events.read(stream, -5, 10)).isInstanceOf(InvalidVersionException.class);
        for (long absurd : new long[] {2, 1_000_000, Long.MAX_VALUE}) {
            assertThatThrownBy(() -> events.append(stream, ExpectedVersion.exactly(absurd), one))
                    .isInstanceOfSatisfying(WrongExpectedVersionException.class,
                            e -> assertThat(e).hasMessageContaining(stream));
            assertThatThrownBy(() -> streams.open(OBJECT, seededId()).append(ExpectedVersion.exactly(absurd), one))
                    .isInstanceOf(WrongExpectedVersionException.class);
        }
        assertThatThrownBy(() -> events.append("never-written", ExpectedVersion.exactly(Long.MAX_VALUE), one))
                .isInstanceOf(WrongExpectedVersionException.class);
        assertThatThrownBy(() -> events.append(stream, ExpectedVersion.noStream(), one))
                .isInstanceOf(WrongExpectedVersionException.class);
        assertThat(events.read(stream, Long.MAX_VALUE, 10)).isEmpty();
        assertThat(events.read(stream, 2, Integer.MAX_VALUE)).isEmpty();
        assertThat(events.version(stream)).isEqualTo(1);
        assertThat(events.version("never-written")).isZero();
        assertNothingWritten();
    }

    // -------------------------------------------------------------------------------------------- garbled

    @TestFactory
    Stream<DynamicTest> dataFoundGarbledInTheStoreIsATypedErrorNamingIt() {
        List<Garbling> all = garblings();
        assertThat(all).as("every store garbles something of its own").isNotEmpty();
        return all.stream().map(g -> DynamicTest.dynamicTest(g.name(), () -> {
            seed(); // dynamic tests share one @BeforeEach: each garbles an object of its own
            Garbled garbled = g.garble().get();
            assertThatThrownBy(garbled.read()::execute).isInstanceOfSatisfying(garbled.expected(), e -> {
                assertThat(e).isNotInstanceOf(IllegalStateException.class);
                assertThat(e.getMessage()).contains(garbled.subject());
                assertThat(e.category()).isIn(ErrorCategory.FAILURE, ErrorCategory.USAGE);
            });
        }));
    }

    /** Fails when the stores hold more or fewer things than after seeding. */
    protected void assertNothingWritten() {
        assertThat(storedItems()).as("items in the store after a refused input").isEqualTo(baseline);
        assertThat(events.version(seededStream())).isEqualTo(1);
    }
}
