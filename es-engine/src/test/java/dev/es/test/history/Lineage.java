package dev.es.test.history;

import dev.es.engine.event.StoredEvent;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * How the events read back relate to the events that were appended, when migrations transformed them on the way:
 * {@code originOf} names the appended event a stored one descends from (a rename keeps the id; a split's further
 * copies get ids of their own, so they must carry their origin, for instance in metadata), and {@code mayBeDropped}
 * says which appended types a transformer may have dropped.
 *
 * @param originOf     the id of the appended event a stored event descends from
 * @param mayBeDropped whether an appended event of this type may be missing from the history (a transformer drops it)
 */
public record Lineage(Function<StoredEvent, String> originOf, Predicate<String> mayBeDropped) {

    /** The metadata key {@link #byMetadata()} reads: the id of the event a copy descends from. */
    public static final String ORIGIN = "history.origin";

    /** No transformation: every stored event is an appended one, under its own id; nothing may be dropped. */
    public static Lineage identity() {
        return new Lineage(StoredEvent::eventId, type -> false);
    }

    /**
     * Each event names its origin in metadata {@link #ORIGIN} (writers set it to the event's own id, transformers
     * keep it), falling back to the event's id; nothing may be dropped.
     */
    public static Lineage byMetadata() {
        return new Lineage(e -> e.metadata().getOrDefault(ORIGIN, e.eventId()), type -> false);
    }

    /** This lineage, with events of the types {@code dropped} allows possibly dropped. */
    public Lineage dropping(Predicate<String> dropped) {
        return new Lineage(originOf, mayBeDropped.or(dropped));
    }
}
