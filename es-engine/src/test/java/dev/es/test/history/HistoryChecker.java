package dev.es.test.history;

import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.document.TerminatedStream;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.EventStore;
import dev.es.engine.stream.EventStreams;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Checks a recorded {@link History} against what the stores hold at the end, object by object, reading each
 * object's {@code readAll()} through the {@link EventStreams} given (a fresh instance, so nothing cached by the
 * writers' instances hides a fault):
 * <ul>
 * <li>every acknowledged event is there exactly once (its copies, when a transformer split it, side by side), unless
 * the {@link Lineage} says its type may be dropped;</li>
 * <li>nothing of an attempt that was definitely refused (conflict, closed) is there;</li>
 * <li>events of attempts whose outcome is unknown are there at most once;</li>
 * <li>one writer's acknowledged events are in the order they were acknowledged;</li>
 * <li>versions run 1, 2, 3, ... without a gap, ids are unique, and no close event is visible;</li>
 * <li>the document's active stream is open, at the end of the continuation chain of every terminated stream;</li>
 * <li>an exact-version append that succeeded had nothing land between its read and its write: the events before
 * it are exactly the ones the writer read (less those a transformer dropped since);</li>
 * <li>no event is there that no attempt made.</li>
 * </ul>
 */
public final class HistoryChecker {

    private final Lineage lineage;

    public HistoryChecker(Lineage lineage) {
        this.lineage = lineage;
    }

    /** What a check found. */
    public record Report(int objects, long events, List<String> violations) {

        public Report {
            violations = List.copyOf(violations);
        }

        /** Whether nothing was violated. */
        public boolean valid() {
            return violations.isEmpty();
        }

        /** Throws an {@link AssertionError} listing every violation, if any. */
        public Report assertValid() {
            if (!violations.isEmpty()) {
                throw new AssertionError(violations.size() + " history violation(s) over " + objects
                        + " object(s):\n  " + String.join("\n  ", violations.subList(0,
                        Math.min(violations.size(), 50))));
            }
            return this;
        }
    }

    /** Checks every object of {@code history}, reading through {@code fresh}. */
    public Report check(History history, EventStreams fresh) {
        Map<String, List<AppendAttempt>> byObject = new LinkedHashMap<>();
        for (String object : history.objects()) {
            byObject.put(object, new ArrayList<>());
        }
        for (AppendAttempt attempt : history.attempts()) {
            byObject.computeIfAbsent(attempt.object(), o -> new ArrayList<>()).add(attempt);
        }
        List<String> violations = new ArrayList<>();
        long events = 0;
        for (Map.Entry<String, List<AppendAttempt>> entry : byObject.entrySet()) {
            String object = entry.getKey();
            int slash = object.indexOf('/');
            String objectName = object.substring(0, slash);
            String objectId = object.substring(slash + 1);
            Optional<ObjectDocument> document = fresh.documents().get(objectName, objectId);
            if (document.isEmpty()) {
                if (entry.getValue().stream().anyMatch(a -> a.outcome() == Outcome.OK)) {
                    violations.add(object + ": no document, yet appends to it were acknowledged");
                }
                continue;
            }
            checkDocument(object, document.get(), fresh, violations);
            List<StoredEvent> read;
            try (Stream<StoredEvent> all = fresh.open(objectName, objectId).readAll()) {
                read = all.toList();
            }
            events += read.size();
            violations.addAll(checkObject(object, read, entry.getValue()));
        }
        return new Report(byObject.size(), events, violations);
    }

    private static void checkDocument(String object, ObjectDocument document, EventStreams fresh,
                                      List<String> violations) {
        StreamPointer active = document.active();
        EventStore store = fresh.stores().get(active.store());
        if (store.closeEvent(active.streamId()) != null) {
            violations.add(object + ": the document's active stream " + active + " is closed (a cutover that never"
                    + " reached the document)");
        }
        Map<StreamPointer, StreamPointer> next = new HashMap<>();
        for (TerminatedStream t : document.terminatedStreams()) {
            if (t.continuationStreamId() != null) {
                next.put(t.pointer(), new StreamPointer(t.continuationStreamId(), t.continuationStore()));
            }
        }
        for (TerminatedStream t : document.terminatedStreams()) {
            StreamPointer at = t.pointer();
            int hops = 0;
            while (next.containsKey(at) && hops <= next.size()) {
                at = next.get(at);
                hops++;
            }
            if (!at.equals(active)) {
                violations.add(object + ": terminated stream " + t.pointer() + " leads to " + at
                        + ", not to the active stream " + active);
            }
        }
    }

    /** Checks one object's history {@code read} against its attempts. */
    public List<String> checkObject(String object, List<StoredEvent> read, List<AppendAttempt> attempts) {
        List<String> violations = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Map<String, int[]> span = new LinkedHashMap<>(); // origin -> first, last position, count
        for (int i = 0; i < read.size(); i++) {
            StoredEvent e = read.get(i);
            if (e.isCloseEvent()) {
                violations.add(object + ": a close event is visible at position " + (i + 1));
            }
            if (e.version() != i + 1) {
                violations.add(object + ": event " + e.eventId() + " at position " + (i + 1) + " has version "
                        + e.version() + " (versions must run 1, 2, 3, ...)");
            }
            if (!ids.add(e.eventId())) {
                violations.add(object + ": event id " + e.eventId() + " is there twice (duplicate)");
            }
            int[] s = span.computeIfAbsent(lineage.originOf().apply(e), o -> new int[] {Integer.MAX_VALUE, -1, 0});
            s[0] = Math.min(s[0], i);
            s[1] = Math.max(s[1], i);
            s[2]++;
        }
        span.forEach((origin, s) -> {
            if (s[1] - s[0] + 1 != s[2]) {
                violations.add(object + ": the copies of event " + origin + " are not side by side (positions "
                        + (s[0] + 1) + " to " + (s[1] + 1) + " hold " + s[2] + " of them): duplicated");
            }
        });

        Map<String, List<AppendAttempt>> byEvent = new HashMap<>();
        Map<String, String> typeOf = new HashMap<>();
        for (AppendAttempt attempt : attempts) {
            for (int i = 0; i < attempt.eventIds().size(); i++) {
                byEvent.computeIfAbsent(attempt.eventIds().get(i), k -> new ArrayList<>()).add(attempt);
                typeOf.put(attempt.eventIds().get(i), attempt.types().get(i));
            }
        }
        for (Map.Entry<String, List<AppendAttempt>> entry : byEvent.entrySet()) {
            String eventId = entry.getKey();
            boolean acknowledged = entry.getValue().stream().anyMatch(a -> a.outcome() == Outcome.OK);
            boolean refused = entry.getValue().stream().allMatch(a -> a.outcome().refused());
            boolean present = span.containsKey(eventId);
            if (acknowledged && !present && !lineage.mayBeDropped().test(typeOf.get(eventId))) {
                violations.add(object + ": acknowledged event " + eventId + " (" + typeOf.get(eventId) + ", by "
                        + entry.getValue().get(0).writer() + ") is missing (lost)");
            }
            if (refused && present) {
                violations.add(object + ": event " + eventId + " of an append that was refused ("
                        + entry.getValue().get(0).outcome() + ") is there");
            }
        }
        for (String origin : span.keySet()) {
            if (!byEvent.containsKey(origin)) {
                violations.add(object + ": event " + origin + " is there but no recorded attempt appended it");
            }
        }

        // one writer's acknowledged events in acknowledgment order
        Map<String, Integer> lastPosition = new HashMap<>();
        Map<String, String> lastEvent = new HashMap<>();
        Set<String> acked = new HashSet<>();
        for (AppendAttempt attempt : attempts) {
            if (attempt.outcome() != Outcome.OK || !acked.add(attempt.writer() + "/" + attempt.eventIds().get(0))) {
                continue;
            }
            int position = firstPosition(attempt, span);
            if (position < 0) {
                continue;
            }
            Integer before = lastPosition.get(attempt.writer());
            if (before != null && position < before) {
                violations.add(object + ": writer " + attempt.writer() + " had " + lastEvent.get(attempt.writer())
                        + " acknowledged before " + attempt.eventIds().get(0) + ", but it comes after it (reordered)");
            }
            lastPosition.put(attempt.writer(), position);
            lastEvent.put(attempt.writer(), attempt.eventIds().get(0));
        }

        // an exact-version append decided on exactly what precedes it
        for (AppendAttempt attempt : attempts) {
            if (attempt.outcome() != Outcome.OK || attempt.seen() == null) {
                continue;
            }
            int position = firstPosition(attempt, span);
            if (position < 0) {
                continue;
            }
            LinkedHashSet<String> before = new LinkedHashSet<>();
            for (int i = 0; i < position; i++) {
                before.add(lineage.originOf().apply(read.get(i)));
            }
            LinkedHashSet<String> decidedOn = new LinkedHashSet<>();
            for (String origin : attempt.seen()) {
                if (span.containsKey(origin)) {
                    decidedOn.add(origin);
                }
            }
            if (!new ArrayList<>(before).equals(new ArrayList<>(decidedOn))) {
                List<String> landed = new ArrayList<>(before);
                landed.removeAll(decidedOn);
                violations.add(object + ": exact append " + attempt.eventIds().get(0) + " by " + attempt.writer()
                        + " (" + attempt.expected() + ") was decided on " + decidedOn.size() + " event(s), but "
                        + before.size() + " precede it" + (landed.isEmpty() ? "" : "; landed in between: " + landed)
                        + " (lost update)");
            }
        }
        return violations;
    }

    private static int firstPosition(AppendAttempt attempt, Map<String, int[]> span) {
        int first = -1;
        for (String id : attempt.eventIds()) {
            int[] s = span.get(id);
            if (s != null && (first < 0 || s[0] < first)) {
                first = s[0];
            }
        }
        return first;
    }
}
