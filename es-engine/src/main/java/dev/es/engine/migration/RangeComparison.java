package dev.es.engine.migration;

import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.EventStore;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Event by event: a range of the source, transformed again ({@link ExpectedCopies}), against the range of the target
 * it was copied to, read back from the target's store; both read page by page, one page of each in memory. Answers
 * the first difference in the fields asked, or of a caller's check. Used by {@link VerificationLevel#FULL}, by the
 * caller's checks, to name what a count or hash found, and by the verification of a finished migration.
 */
final class RangeComparison {

    /** What can be compared of an event. */
    enum Field {
        EVENT_ID("eventId"), TYPE("type"), SCHEMA_VERSION("schemaVersion"), PAYLOAD("payload"),
        METADATA("metadata"), RECORDED_AT("recordedAt");

        final String label;

        Field(String label) {
            this.label = label;
        }
    }

    /** What the hash covers. */
    static final Set<Field> HASHED = EnumSet.of(Field.EVENT_ID, Field.TYPE, Field.SCHEMA_VERSION, Field.PAYLOAD);
    /** Everything: {@link VerificationLevel#FULL}. */
    static final Set<Field> ALL = EnumSet.allOf(Field.class);
    /** Only where each event is: enough to name a difference in counts. */
    static final Set<Field> IDS = EnumSet.of(Field.EVENT_ID);
    /** No field: only the caller's checks (and missing or extra events). */
    static final Set<Field> NONE = EnumSet.noneOf(Field.class);

    /** Times closer than this are the same: PostgreSQL keeps microseconds, rounding what it is given. */
    private static final Duration TIME_TOLERANCE = Duration.ofNanos(999);

    /**
     * What a comparison found.
     *
     * @param compared target events compared
     * @param mismatch the first difference, or {@code null}
     */
    record Outcome(long compared, @Nullable VerificationMismatch mismatch) {
    }

    private final EventStore sourceStore;
    private final String sourceStreamId;
    private final EventStore targetStore;
    private final String targetStreamId;
    private final ExpectedCopies expected;
    private final int pageSize;
    private final Runnable betweenPages;

    /**
     * @param betweenPages called before each page is read (a running migration's safe point: pause, cancel, lock)
     */
    RangeComparison(EventStore sourceStore, String sourceStreamId, EventStore targetStore, String targetStreamId,
                    ExpectedCopies expected, int pageSize, Runnable betweenPages) {
        this.sourceStore = sourceStore;
        this.sourceStreamId = sourceStreamId;
        this.targetStore = targetStore;
        this.targetStreamId = targetStreamId;
        this.expected = expected;
        this.pageSize = pageSize;
        this.betweenPages = betweenPages;
    }

    /**
     * Compares source versions {@code (sourceFrom, sourceTo]}, transformed, with target versions
     * {@code (targetFrom, targetTo]}.
     *
     * @param onTarget called with each target event read, in order, or {@code null}
     */
    Outcome compare(long sourceFrom, long sourceTo, long targetFrom, long targetTo, Set<Field> fields,
                    List<VerificationSpec.Check> checks, @Nullable Consumer<StoredEvent> onTarget) {
        TargetCursor target = new TargetCursor(targetFrom, targetTo);
        long compared = 0;
        long next = sourceFrom + 1;
        while (next <= sourceTo) {
            betweenPages.run();
            List<StoredEvent> page = sourceStore.read(sourceStreamId, next, (int) Math.min(pageSize,
                    sourceTo - next + 1));
            if (page.isEmpty()) {
                return new Outcome(compared, new VerificationMismatch(target.position + 1, next, null, "count",
                        "the source ends at version " + (next - 1) + ", before version " + sourceTo, null));
            }
            for (StoredEvent source : page) {
                if (source.version() > sourceTo) {
                    break;
                }
                if (source.isCloseEvent()) {
                    return new Outcome(compared, new VerificationMismatch(target.position + 1, source.version(),
                            source.eventId(), "count", "the source is closed at version " + source.version()
                            + ", before version " + sourceTo, null));
                }
                List<EventData> copies;
                try {
                    copies = expected.of(source);
                } catch (ExpectedCopies.TransformFailed failed) {
                    return new Outcome(compared, new VerificationMismatch(target.position + 1, source.version(),
                            source.eventId(), "transform", "the transformer failed on this source event while"
                            + " verifying: " + failed.getMessage(), null));
                }
                for (EventData copy : copies) {
                    StoredEvent actual = target.next();
                    if (actual == null) {
                        return new Outcome(compared, new VerificationMismatch(target.position + 1, source.version(),
                                copy.eventId(), "missing", "the target has no event here; expected a '" + copy.type()
                                + "' (target ends at version " + target.position + ")", null));
                    }
                    if (onTarget != null) {
                        onTarget.accept(actual);
                    }
                    compared++;
                    VerificationMismatch mismatch = compare(copy, source.version(), actual, fields, checks);
                    if (mismatch != null) {
                        return new Outcome(compared, mismatch);
                    }
                }
                next = source.version() + 1;
            }
        }
        StoredEvent extra = target.next();
        if (extra != null) {
            return new Outcome(compared, new VerificationMismatch(extra.version(), 0, extra.eventId(), "extra",
                    "the target holds a '" + extra.type() + "' that the source, transformed up to version "
                    + sourceTo + ", does not make", null));
        }
        return new Outcome(compared, null);
    }

    /** The first difference between one expected copy and the target's event, or {@code null}. */
    static @Nullable VerificationMismatch compare(EventData copy, long sourceVersion, StoredEvent actual,
                                                  Set<Field> fields, List<VerificationSpec.Check> checks) {
        String detail = null;
        Field field = null;
        for (Field f : fields) {
            detail = difference(f, copy, actual);
            if (detail != null) {
                field = f;
                break;
            }
        }
        if (field != null) {
            return new VerificationMismatch(actual.version(), sourceVersion, copy.eventId(), field.label, detail,
                    null);
        }
        for (VerificationSpec.Check check : checks) {
            String problem;
            try {
                problem = check.check().check(copy, actual);
            } catch (RuntimeException e) {
                problem = "the check threw " + e;
            }
            if (problem != null) {
                return new VerificationMismatch(actual.version(), sourceVersion, copy.eventId(), "check", problem,
                        check.name());
            }
        }
        return null;
    }

    private static @Nullable String difference(Field field, EventData copy, StoredEvent actual) {
        return switch (field) {
            case EVENT_ID -> copy.eventId().equals(actual.eventId()) ? null
                    : "expected event id " + copy.eventId() + ", found " + actual.eventId();
            case TYPE -> copy.type().equals(actual.type()) ? null
                    : "expected type '" + copy.type() + "', found '" + actual.type() + "'";
            case SCHEMA_VERSION -> copy.schemaVersion() == actual.schemaVersion() ? null
                    : "expected schema version " + copy.schemaVersion() + ", found " + actual.schemaVersion();
            case PAYLOAD -> {
                String at = CanonicalJson.firstDifference(copy.payload(), actual.payload());
                yield at == null ? null : "the payload differs at " + at;
            }
            case METADATA -> metadataDifference(copy.metadata(), actual.metadata());
            case RECORDED_AT -> {
                Instant wanted = copy.recordedAt();
                yield wanted == null || Duration.between(wanted, actual.recordedAt()).abs()
                        .compareTo(TIME_TOLERANCE) <= 0 ? null
                        : "expected recorded at " + wanted + ", found " + actual.recordedAt();
            }
        };
    }

    private static @Nullable String metadataDifference(Map<String, String> wanted, Map<String, String> found) {
        if (wanted.equals(found)) {
            return null;
        }
        TreeSet<String> keys = new TreeSet<>(wanted.keySet());
        keys.addAll(found.keySet());
        for (String key : keys) {
            String a = wanted.get(key);
            String b = found.get(key);
            if (a == null) {
                return "unexpected metadata key '" + key + "'";
            }
            if (b == null) {
                return "metadata key '" + key + "' is missing";
            }
            if (!a.equals(b)) {
                return "metadata key '" + key + "' differs" + (key.startsWith("es.") ? " (expected '" + a
                        + "', found '" + b + "')" : "");
            }
        }
        return null;
    }

    /** The target, read forward in pages up to a version. */
    private final class TargetCursor {
        /** The version of the last event handed out. */
        long position;
        private final long upTo;
        private List<StoredEvent> page = List.of();
        private int index;

        TargetCursor(long from, long upTo) {
            this.position = from;
            this.upTo = upTo;
        }

        @Nullable StoredEvent next() {
            if (position >= upTo) {
                return null;
            }
            if (index >= page.size()) {
                betweenPages.run();
                page = targetStore.read(targetStreamId, position + 1, (int) Math.min(pageSize, upTo - position));
                index = 0;
                if (page.isEmpty()) {
                    return null;
                }
            }
            StoredEvent event = page.get(index++);
            position = event.version();
            return event;
        }
    }
}
