package dev.es.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.engine.InvalidIdentifierException;
import dev.es.engine.event.EventData;
import dev.es.engine.event.InvalidEventException;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.internal.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A property-based test over stream ids, payloads and expected versions, for every store (issue 15), with a seeded
 * generator of its own rather than jqwik (see docs/testing.md for why). Each trial draws, from its own seed, a
 * stream id (valid or not, judged by an oracle written here, independently of {@code Identifiers}) and a few appends
 * of random JSON payloads under random expected versions, runs them on the store, and checks them against a model:
 * a bad id is refused with {@link InvalidIdentifierException} and nothing is written; an append succeeds exactly
 * when its condition holds, else it is a {@link WrongExpectedVersionException} that changes nothing; the stream then
 * reads back as the model, event by event (ids, types, payloads equal as JSON values, versions 1..n).
 * <p>
 * Reproducible: the trials of a run use seeds {@code base, base + 1, ...}; a failure names its seed and the
 * command that runs that trial alone ({@code -Dpbt.seed=<seed> -Dpbt.trials=1}).
 */
@Timeout(300)
public abstract class AbstractStorePropertyTest {

    private static final Logger LOG = LoggerFactory.getLogger(AbstractStorePropertyTest.class);
    /** The identifier rule, restated on purpose: letters, digits, '.', '_', '-', starting with a letter or digit. */
    private static final Pattern VALID_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,255}");
    /** The JSON escape of U+0000: a backslash not itself escaped, then u0000. */
    private static final Pattern NUL_ESCAPE = Pattern.compile("(?<!\\\\)(\\\\\\\\)*\\\\u0000");
    private static final String ID_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
    private static final String[] BAD_PIECES = {"/", "\\", "..", " ", "\t", "\n", ":", "?", "#", "%", "*", "\u00e9",
            "\u4e2d", "\ud83d\ude00", "\u0000", "'", "\"", "<", ">", "|"};
    private static final String[] STRING_PIECES = {"a", "Z", "0", " ", "\\\"", "\\\\", "\\n", "\\t", "\\u00e9",
            "\u00e9", "\u4e2d", "\ud83d\ude00", "\\ud83d\\ude00", "\\u0000", "/", "'", "{", "]", ",", ":"};

    /** The store under test; stream ids never repeat across trials, so one store may serve them all. */
    protected abstract EventStore createStore();

    /** How many trials a run makes on this store (keep remote stores modest). */
    protected abstract int trials();

    @Test
    void appendsAndReadsKeepTheModelForRandomIdsPayloadsAndExpectedVersions() {
        EventStore store = createStore();
        long base = Long.getLong("pbt.seed", new Random().nextLong());
        int trials = Integer.getInteger("pbt.trials", trials());
        LOG.debug("Property test on store {}: {} trials from seed {}", store.name(), trials, base);
        for (int i = 0; i < trials; i++) {
            long seed = base + i;
            try {
                trial(store, new Random(seed), seed);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("Property failed on store '" + store.name() + "' for seed " + seed
                        + " (trial " + (i + 1) + " of " + trials + "); run it alone with -Dpbt.seed=" + seed
                        + " -Dpbt.trials=1: " + e.getMessage(), e);
            }
        }
    }

    private void trial(EventStore store, Random random, long seed) {
        String id = streamId(random, seed);
        if (!VALID_ID.matcher(id).matches()) {
            assertThatThrownBy(() -> store.append(id, ExpectedVersion.any(), List.of(EventData.of("T", "{}"))))
                    .isInstanceOf(InvalidIdentifierException.class);
            assertThatThrownBy(() -> store.version(id)).isInstanceOf(InvalidIdentifierException.class);
            assertThatThrownBy(() -> store.read(id, 1, 10)).isInstanceOf(InvalidIdentifierException.class);
            return;
        }
        List<EventData> model = new ArrayList<>();
        int appends = 1 + random.nextInt(4);
        for (int a = 0; a < appends; a++) {
            long version = model.size();
            ExpectedVersion expected = expectedVersion(random, version);
            List<EventData> batch = new ArrayList<>();
            int n = 1 + random.nextInt(3);
            for (int e = 0; e < n; e++) {
                String eventId = "e-" + seed + "-" + a + "-" + e;
                String type = "Type" + random.nextInt(5);
                int schemaVersion = 1 + random.nextInt(3);
                String drawn = payload(random);
                String payload = drawn;
                if (NUL_ESCAPE.matcher(drawn).find()) { // U+0000: no store takes it (PostgreSQL's jsonb cannot)
                    assertThatThrownBy(() -> new EventData(eventId, type, schemaVersion, drawn, Map.of()))
                            .isInstanceOf(InvalidEventException.class).hasMessageContaining("U+0000");
                    payload = drawn.replace("\\u0000", "\\u0001");
                }
                batch.add(new EventData(eventId, type, schemaVersion, payload, Map.of()));
            }
            boolean holds = expected instanceof ExpectedVersion.Exactly x ? x.version() == version
                    : expected.matches(version);
            if (holds) {
                AppendResult result = store.append(id, expected, batch);
                assertThat(result.newVersion()).as("version after appending %s under %s", n, expected)
                        .isEqualTo(version + n);
                model.addAll(batch);
            } else {
                assertThatThrownBy(() -> store.append(id, expected, batch)).as("append under %s at %s", expected,
                        version).isInstanceOf(WrongExpectedVersionException.class);
            }
            assertThat(store.version(id)).isEqualTo(model.size());
        }
        List<StoredEvent> read = store.read(id, 1, model.size() + 5);
        assertThat(read).hasSize(model.size());
        for (int v = 0; v < model.size(); v++) {
            EventData written = model.get(v);
            StoredEvent back = read.get(v);
            assertThat(back.version()).isEqualTo(v + 1);
            assertThat(back.eventId()).isEqualTo(written.eventId());
            assertThat(back.type()).isEqualTo(written.type());
            assertThat(back.schemaVersion()).isEqualTo(written.schemaVersion());
            assertThat(Json.tree(back.payload())).as("payload %s read back as %s", written.payload(), back.payload())
                    .isEqualTo(Json.tree(written.payload()));
        }
    }

    /** A stream id: mostly valid ones of every length, the rest broken in one of many ways. */
    private static String streamId(Random random, long seed) {
        String unique = Long.toHexString(seed) + "-";
        int kind = random.nextInt(10);
        if (kind < 6) {
            int length = random.nextInt(4) == 0 ? 256 - unique.length() - 1 : 1 + random.nextInt(40);
            return "s" + unique + chars(random, ID_CHARS, length);
        }
        return switch (kind) {
            case 6 -> "s" + unique + chars(random, ID_CHARS, 3) + BAD_PIECES[random.nextInt(BAD_PIECES.length)]
                    + chars(random, ID_CHARS, 3);
            case 7 -> ".".repeat(1 + random.nextInt(3)) + chars(random, ID_CHARS, random.nextInt(5));
            case 8 -> "s" + unique + chars(random, ID_CHARS, 256 + random.nextInt(10_000));
            default -> random.nextBoolean() ? "" : "_" + unique;
        };
    }

    private static String chars(Random random, String alphabet, int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    /** A condition that holds about half the time: the right version, a near miss, far off, any, no stream. */
    private static ExpectedVersion expectedVersion(Random random, long version) {
        return switch (random.nextInt(7)) {
            case 0, 1 -> ExpectedVersion.exactly(version);
            case 2 -> ExpectedVersion.exactly(version + 1 + random.nextInt(3));
            case 3 -> version == 0 ? ExpectedVersion.exactly(1) : ExpectedVersion.exactly(version - 1);
            case 4 -> ExpectedVersion.exactly(random.nextBoolean() ? Long.MAX_VALUE : 1_000_000_000L);
            case 5 -> ExpectedVersion.noStream();
            default -> ExpectedVersion.any();
        };
    }

    /** A random JSON value (an object most of the time), nested a little. */
    private static String payload(Random random) {
        StringBuilder json = new StringBuilder();
        if (random.nextInt(5) == 0) {
            value(random, json, 2);
        } else {
            object(random, json, 3);
        }
        return json.toString();
    }

    private static void value(Random random, StringBuilder json, int depth) {
        switch (random.nextInt(depth > 0 ? 8 : 6)) {
            case 0 -> string(random, json);
            case 1 -> json.append(random.nextInt());
            case 2 -> json.append(random.nextLong());
            case 3 -> json.append(random.nextInt(1000)).append('.').append(1 + random.nextInt(999));
            case 4 -> json.append(random.nextBoolean());
            case 5 -> json.append("null");
            case 6 -> object(random, json, depth - 1);
            default -> {
                json.append('[');
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    json.append(i > 0 ? "," : "").append(random.nextBoolean() ? " " : "");
                    value(random, json, depth - 1);
                }
                json.append(']');
            }
        }
    }

    private static void object(Random random, StringBuilder json, int depth) {
        json.append('{');
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
            json.append(i > 0 ? "," : "").append("\"k").append(i).append(chars(random, "abcxyz", random.nextInt(3)))
                    .append("\":");
            value(random, json, depth);
        }
        json.append('}');
    }

    private static void string(Random random, StringBuilder json) {
        json.append('"');
        int n = random.nextInt(8);
        for (int i = 0; i < n; i++) {
            json.append(STRING_PIECES[random.nextInt(STRING_PIECES.length)]);
        }
        json.append('"');
    }
}
