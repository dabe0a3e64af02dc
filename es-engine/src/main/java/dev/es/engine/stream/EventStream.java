package dev.es.engine.stream;

import dev.es.engine.EsException;
import dev.es.engine.Identifiers;
import dev.es.engine.document.DocumentConcurrencyException;
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
import dev.es.engine.store.WrongExpectedVersionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event stream of one object, as its document routes it. Appends go to the active stream; when that stream
 * was closed by a migration, they follow its continuation (section 4 point 3 of the design). Reads walk the
 * object's whole history across the streams it used.
 */
public final class EventStream {

    private static final Logger log = LoggerFactory.getLogger(EventStream.class);
    /** How many continuations a read follows at most from where a handle stands. */
    private static final int MAX_READ_HOPS = 100;

    private final EventStreams streams;
    private volatile ObjectDocument document;
    private volatile StreamPointer active;

    EventStream(EventStreams streams, ObjectDocument document) {
        this.streams = streams;
        this.document = document;
        this.active = document.active();
    }

    public String objectName() {
        return document.objectName();
    }

    public String objectId() {
        return document.objectId();
    }

    /** The document as last read by this stream. */
    public ObjectDocument document() {
        return document;
    }

    /** Reads the document again. */
    public ObjectDocument refresh() {
        ObjectDocument fresh = streams.documents().get(objectName(), objectId()).orElse(document);
        document = fresh;
        active = fresh.active();
        return fresh;
    }

    /**
     * Where this handle stands: the object's active stream as this handle last saw it (when it was opened or
     * refreshed, read, or appended to). An exact version not tied to a stream is judged against it.
     */
    public StreamPointer activeStream() {
        return active;
    }

    /**
     * The version a writer should expect next on the stream appends go to now: close events are followed to their
     * continuation, never counted. Moves this handle to that stream.
     */
    public long version() {
        return position().version();
    }

    /**
     * The stream appends go to now and its version, read together: use {@link StreamVersion#expected()} for an
     * exact append that must be judged against exactly this state, however this handle is shared meanwhile. Close
     * events are followed to their continuation (also when the document does not know the cutover yet). Moves this
     * handle to that stream.
     */
    public StreamVersion position() {
        StreamPointer pointer = active;
        for (int hops = 0; hops <= MAX_READ_HOPS; hops++) {
            StoredEvent last = store(pointer).lastEvent(pointer.streamId());
            if (last == null || !last.isCloseEvent()) {
                advanceTo(pointer);
                return new StreamVersion(pointer, last == null ? 0 : last.version());
            }
            CloseEvent close = CloseEvent.from(pointer.streamId(), last);
            if (!close.hasContinuation()) {
                advanceTo(pointer);
                return new StreamVersion(pointer, close.lastSourceVersion());
            }
            pointer = new StreamPointer(close.continuationStreamId(), close.continuationStore());
        }
        throw new IllegalStateException("The streams of " + objectName() + "/" + objectId() + " continue more than "
                + MAX_READ_HOPS + " times from " + active + "; is there a cycle of continuations?");
    }

    /** Appends one event with any expected version. */
    public AppendResult append(EventData... events) {
        return append(ExpectedVersion.any(), events == null ? null : Arrays.asList(events));
    }

    /** Appends events atomically when the object is still at {@code readAt}, following continuations. */
    public AppendResult append(StreamVersion readAt, List<EventData> events) {
        return append(readAt.expected(), events);
    }

    /**
     * Appends events atomically on the condition {@code expected}, following continuations as the settings allow.
     * The append starts on the stream {@code expected} is tied to ({@link ExpectedVersion#exactly(long,
     * StreamPointer)}, {@link StreamVersion#expected()}), else on {@link #activeStream()}; on each closed stream on the
     * way an exact version carries over as design section 4 point 3 says, or the append fails with
     * {@link WrongExpectedVersionException}. A failed append leaves this handle where it was; a successful one moves
     * it to the stream appended to. Threads sharing a handle should tie their versions to their streams (read them
     * with {@link #position()} or {@link #replay}), since another thread may move the handle between their read and
     * their append.
     */
    public AppendResult append(ExpectedVersion expected, List<EventData> events) {
        Objects.requireNonNull(expected, "expected");
        if (events == null || events.isEmpty()) {
            throw new InvalidEventException("An append to " + objectName() + "/" + objectId()
                    + " needs at least one event");
        }
        for (EventData event : events) {
            if (event != null && event.isCloseEvent()) {
                throw new InvalidEventException("Close events are written by migrations, not appended by writers ("
                        + objectName() + "/" + objectId() + ")");
            }
        }
        EventStreamSettings settings = streams.settings();
        StreamPointer pointer = expected.stream() != null ? ownStream(expected.stream()) : active;
        ExpectedVersion condition = expected.unbound();
        int hops = 0;
        while (true) {
            long started = System.nanoTime();
            try {
                StreamPointer target = pointer;
                ExpectedVersion expectedHere = condition;
                AppendResult result = streams.gates().pass(objectName(), objectId(),
                        () -> appendTo(target, expectedHere, events));
                advanceTo(pointer);
                streams.listener().appended(pointer.store(), events.size(), Duration.ofNanos(System.nanoTime() - started));
                return result;
            } catch (EventStreamClosedException closed) {
                if (!settings.autoRetryOnStreamClosure() || !closed.hasContinuation()) {
                    throw closed;
                }
                if (hops >= settings.maxStreamContinuationRetries()) {
                    throw new ContinuationRetriesExhaustedException(objectName(), objectId(), hops, closed);
                }
                hops++;
                StreamPointer next = new StreamPointer(closed.continuationStreamId(), closed.continuationStore());
                reloadDocument();
                condition = carryOver(condition, closed);
                log.debug("Stream {} of {}/{} is closed; retrying the append on {} (hop {})", pointer, objectName(),
                        objectId(), next, hops);
                streams.listener().retriedOnContinuation(objectName(), pointer.streamId(), next.streamId());
                pointer = next;
            }
        }
    }

    /** Buffers the events {@code work} adds and commits them in one atomic append with any expected version. */
    public AppendResult session(Consumer<EventStreamSession> work) {
        return session(ExpectedVersion.any(), work);
    }

    /** Buffers the events {@code work} adds and commits them when the object is still at {@code readAt}. */
    public AppendResult session(StreamVersion readAt, Consumer<EventStreamSession> work) {
        return session(readAt.expected(), work);
    }

    /** Buffers the events {@code work} adds and commits them in one atomic append on the condition {@code expected}. */
    public AppendResult session(ExpectedVersion expected, Consumer<EventStreamSession> work) {
        EventStreamSession session = new EventStreamSession();
        work.accept(session);
        return append(expected, session.events());
    }

    /**
     * The object's whole history, oldest first: the terminated streams whose events were not copied into their
     * continuation, then the active stream (and any continuation it already has). Close events are left out. Read
     * lazily in pages of {@code chunkSize}; close the stream (or consume it) when done. Events are raised through the
     * upcasters registered on {@link EventStreams} (lazy transform), with their stored ids, versions and times.
     */
    public Stream<StoredEvent> readAll() {
        List<StreamPointer> history = history();
        Iterator<StoredEvent> chained = new Iterator<>() {
            private int index;
            private Iterator<StoredEvent> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext()) {
                    if (index == history.size()) {
                        return false;
                    }
                    current = read(history.get(index++)).iterator();
                }
                return true;
            }

            @Override
            public StoredEvent next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(chained,
                Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /**
     * Replays the whole history into {@code consumer} and answers where it ended: the stream appends go to and its
     * version, to expect in the next exact append ({@link #append(StreamVersion, List)}). Events are raised through
     * the registered upcasters as in {@link #readAll()}; the version answered is the stored one.
     */
    public StreamVersion replay(Consumer<StoredEvent> consumer) {
        List<StreamPointer> history = history();
        long[] lastOfActive = {0};
        StreamPointer last = history.get(history.size() - 1);
        for (StreamPointer pointer : history) {
            try (Stream<StoredEvent> events = read(pointer)) {
                events.forEach(event -> {
                    consumer.accept(event);
                    if (pointer.equals(last)) {
                        lastOfActive[0] = event.version();
                    }
                });
            }
        }
        return new StreamVersion(last, lastOfActive[0]);
    }

    /** Sets a tag on the document and indexes it. */
    public void tag(String tag) {
        tag(tag, "");
    }

    /** Sets a tag with a value on the document and indexes it. */
    public void tag(String tag, String value) {
        updateDocument(doc -> doc.withTag(tag, value));
        streams.tags().tagDocument(objectName(), objectId(), tag);
    }

    /** Removes a tag from the document and its index. */
    public void untag(String tag) {
        Identifiers.requireTag(tag);
        updateDocument(doc -> doc.withoutTag(tag));
        streams.tags().untagDocument(objectName(), objectId(), tag);
    }

    /** Tags the active stream. */
    public void tagActiveStream(String tag) {
        streams.tags().tagStream(active, tag);
    }

    private AppendResult appendTo(StreamPointer pointer, ExpectedVersion condition, List<EventData> events) {
        try {
            return store(pointer).append(pointer.streamId(), condition, events);
        } catch (CommitFailedException e) {
            // tied to the stream it happened on, so that a retry through any handle looks there
            throw new CommitFailedException(e.streamId(), e.expected().on(pointer), e.originalVersion(),
                    e.attemptedVersion(), e.eventsMayBeWritten(), e.getCause() == null ? e : e.getCause());
        } catch (EsException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CommitFailedException(pointer.streamId(), condition.on(pointer), condition.retryPosition(),
                    condition.value() < 0 ? -1 : condition.value() + events.size(), true, e);
        }
    }

    /**
     * {@code pointer} when it is one of this object's streams: the document knows it, or a close continues to it from
     * the active stream (the cutover has not reached the document yet). Anything else is refused before a write.
     */
    private StreamPointer ownStream(StreamPointer pointer) {
        if (pointer.equals(active) || document.knows(pointer)) {
            return pointer;
        }
        ObjectDocument doc = reloadDocument();
        if (doc.knows(pointer)) {
            return pointer;
        }
        StreamPointer tip = doc.active();
        CloseEvent close;
        for (int hops = 0; hops < MAX_READ_HOPS && (close = closeOf(tip)) != null && close.hasContinuation(); hops++) {
            tip = new StreamPointer(close.continuationStreamId(), close.continuationStore());
            if (tip.equals(pointer)) {
                return pointer;
            }
        }
        throw new StreamOfAnotherObjectException(objectName(), objectId(), pointer, doc.active());
    }

    /** Moves this handle to {@code pointer}. */
    private void advanceTo(StreamPointer pointer) {
        active = pointer;
    }

    /**
     * The expected version on the continuation: an exact version equal to the close's {@code lastSourceVersion}
     * becomes {@code targetVersionAtClose}; any other exact version is a conflict, as on the closed stream.
     */
    static ExpectedVersion carryOver(ExpectedVersion expected, EventStreamClosedException closed) {
        CloseEvent close = closed.close();
        if (expected.value() < 0) {
            // any(), or the retry of an any() append that the closed stream did not hold: any() on the continuation
            return ExpectedVersion.any();
        }
        if (expected.value() != close.lastSourceVersion()) {
            throw new WrongExpectedVersionException(closed.streamId(), expected, close.lastSourceVersion());
        }
        return close.targetVersionAtClose() == 0 ? ExpectedVersion.noStream()
                : ExpectedVersion.exactly(close.targetVersionAtClose());
    }

    /** The streams that hold the object's history, oldest first; the last one is where appends go. */
    private List<StreamPointer> history() {
        ObjectDocument doc = reloadDocument();
        List<StreamPointer> chain = new ArrayList<>();
        for (TerminatedStream terminated : doc.terminatedStreams()) {
            chain.add(terminated.pointer());
        }
        chain.add(doc.active());
        // a stale document: the active stream was closed but the cutover has not reached the document yet
        int hops = 0;
        StreamPointer tip = doc.active();
        CloseEvent close;
        while ((close = closeOf(tip)) != null && close.hasContinuation()
                && hops++ <= streams.settings().maxStreamContinuationRetries()) {
            tip = new StreamPointer(close.continuationStreamId(), close.continuationStore());
            chain.add(tip);
        }
        advanceTo(tip);
        // a stream whose events a migration copied into its continuation is read there, not twice; one whose events
        // book closing deleted (or is deleting) was such a stream
        List<StreamPointer> deleted = new ArrayList<>();
        for (TerminatedStream terminated : doc.terminatedStreams()) {
            if (terminated.deletedAt() != null) {
                deleted.add(terminated.pointer());
            }
        }
        List<StreamPointer> readable = new ArrayList<>();
        for (int i = 0; i < chain.size() - 1; i++) {
            if (deleted.contains(chain.get(i))) {
                continue;
            }
            CloseEvent c = closeOf(chain.get(i));
            if (c == null || !c.historyCopiedToContinuation()) {
                readable.add(chain.get(i));
            }
        }
        readable.add(chain.get(chain.size() - 1));
        return readable;
    }

    private @Nullable CloseEvent closeOf(StreamPointer pointer) {
        return store(pointer).closeEvent(pointer.streamId());
    }

    private Stream<StoredEvent> read(StreamPointer pointer) {
        Stream<StoredEvent> events = store(pointer).stream(pointer.streamId(), 1, streams.settings().chunkSize())
                .filter(e -> !e.isCloseEvent());
        // lazy transform: raised on read through the registered upcasters, never written back
        return streams.upcasters().isEmpty() ? events : events.map(streams.upcasters()::apply);
    }

    private ObjectDocument reloadDocument() {
        streams.documents().get(objectName(), objectId()).ifPresent(fresh -> document = fresh);
        return document;
    }

    private void updateDocument(UnaryOperator<ObjectDocument> change) {
        while (true) {
            ObjectDocument current = reloadDocument();
            try {
                document = streams.documents().update(change.apply(current));
                return;
            } catch (DocumentConcurrencyException raced) {
                log.debug("Document {}/{} changed while updating it; retrying", objectName(), objectId());
            }
        }
    }

    private EventStore store(StreamPointer pointer) {
        return streams.stores().get(pointer.store());
    }
}
