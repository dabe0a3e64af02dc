package dev.es.test.history;

import dev.es.engine.event.EventData;
import dev.es.engine.store.AppendResult;
import dev.es.engine.store.CommitFailedException;
import dev.es.engine.store.EventStreamClosedException;
import dev.es.engine.store.WrongExpectedVersionException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Records every append attempt of a test run, from any number of threads, for {@link HistoryChecker}. Writers make
 * their appends through {@link #append}, which runs the append and records what it answered, or record an attempt
 * they made themselves with {@link #record}.
 */
public final class History {

    private final AtomicLong sequence = new AtomicLong();
    private final List<AppendAttempt> attempts = new ArrayList<>();
    private final Set<String> objects = new LinkedHashSet<>();

    /** Notes an object whose history is to be checked even when nobody appended to it. */
    public synchronized void object(String objectName, String objectId) {
        objects.add(objectName + "/" + objectId);
    }

    /**
     * Runs {@code append} and records the attempt with what it answered; answers its result, or rethrows its
     * failure.
     *
     * @param seen the origins of the history the writer decided on, for an exact-version append; else null
     */
    public AppendResult append(String writer, String instance, String objectName, String objectId,
                               List<EventData> events, String expected, @Nullable List<String> seen,
                               Supplier<AppendResult> append) {
        try {
            AppendResult result = append.get();
            record(writer, instance, objectName, objectId, events, expected, seen, Outcome.OK, null);
            return result;
        } catch (RuntimeException e) {
            record(writer, instance, objectName, objectId, events, expected, seen, classify(e), e.toString());
            throw e;
        }
    }

    /** The outcome an append's failure means for its events. */
    public static Outcome classify(Throwable failure) {
        if (failure instanceof WrongExpectedVersionException) {
            return Outcome.CONFLICT;
        }
        if (failure instanceof EventStreamClosedException) {
            return Outcome.CLOSED;
        }
        if (failure instanceof CommitFailedException) {
            return Outcome.UNKNOWN;
        }
        return Outcome.ERROR;
    }

    /** Records an attempt made elsewhere. */
    public synchronized AppendAttempt record(String writer, String instance, String objectName, String objectId,
                                             List<EventData> events, String expected, @Nullable List<String> seen,
                                             Outcome outcome, @Nullable String error) {
        AppendAttempt attempt = new AppendAttempt(sequence.incrementAndGet(), writer, instance, objectName, objectId,
                events.stream().map(EventData::eventId).toList(), events.stream().map(EventData::type).toList(),
                expected, seen, outcome, error);
        attempts.add(attempt);
        objects.add(attempt.object());
        return attempt;
    }

    /** Every attempt so far, in the order recorded. */
    public synchronized List<AppendAttempt> attempts() {
        return List.copyOf(attempts);
    }

    /** Every object written to or {@link #object noted}, as {@code objectName/objectId}. */
    public synchronized List<String> objects() {
        return List.copyOf(objects);
    }

    /** How many attempts ended with {@code outcome}. */
    public synchronized long count(Outcome outcome) {
        return attempts.stream().filter(a -> a.outcome() == outcome).count();
    }
}
