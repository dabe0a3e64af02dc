package dev.es.test.history;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One append attempt of a history: who made it (writer and application instance), on which object, the ids of the
 * events it tried to append (their {@link Lineage#originOf origins}), the condition it was made on, and what it
 * answered.
 *
 * @param sequence   the order in which attempts were recorded (acknowledgment order within a writer)
 * @param writer     the writer's name (one writer makes one attempt at a time)
 * @param instance   the application instance ({@code EventStreams}) it went through
 * @param eventIds   the ids of its events, in order
 * @param types      the types of its events, in order (so that a {@link Lineage} can say which may be dropped)
 * @param expected   the condition, as text ({@code any}, {@code exactly(3)}, ...)
 * @param seen       for an exact-version append, the origins of the history the writer read and decided on, in
 *                   order; {@code null} for an append that decided on nothing ({@code any()})
 * @param outcome    what it answered
 * @param error      the error's description, when it failed
 */
public record AppendAttempt(long sequence, String writer, String instance, String objectName, String objectId,
                            List<String> eventIds, List<String> types, String expected, @Nullable List<String> seen,
                            Outcome outcome, @Nullable String error) {

    public AppendAttempt {
        if (eventIds.isEmpty() || eventIds.size() != types.size()) {
            throw new IllegalArgumentException("an attempt needs one type per event id, and at least one event: "
                    + eventIds + " / " + types);
        }
        eventIds = List.copyOf(eventIds);
        types = List.copyOf(types);
        seen = seen == null ? null : List.copyOf(seen);
    }

    /** The object this attempt wrote to, as {@code objectName/objectId}. */
    public String object() {
        return objectName + "/" + objectId;
    }
}
