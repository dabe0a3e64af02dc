package dev.es.engine.migration;

import dev.es.engine.document.DocumentConcurrencyException;
import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.document.TerminatedStream;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.internal.Backoff;
import dev.es.engine.internal.WriteGates;
import dev.es.engine.lock.LockLostException;
import dev.es.engine.store.AppendResult;
import dev.es.engine.store.CommitFailedException;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.StaleFencingTokenException;
import dev.es.engine.store.WrongExpectedVersionException;
import dev.es.engine.stream.EventStreams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Book closing (design section 5, step 7): after the cutover, what {@code withBookClosing} asks for is done with
 * the closed source, then the migration is recorded {@code BOOK_CLOSED} and {@code COMPLETED}.
 * <ol>
 *   <li><b>Archive</b>: the source, close event included, is copied event by event (same ids, versions, payloads,
 *   metadata and times) to the archive stream with fenced appends, from where an earlier run stopped; then the
 *   archive is recorded in the document's terminated-stream entry.</li>
 *   <li><b>Delete</b>: the deletion is recorded in the document's entry first (readers then skip the source, whatever
 *   a crash leaves of it), then the source's events are deleted and the stream is left holding only a close event
 *   toward the same continuation (with the same versions to carry over), so that a writer still standing on it is
 *   sent on, as before. This process's writers of the object wait at its write gate meanwhile; an append of another
 *   process that lands on the emptied stream in between is moved to the continuation before that close is
 *   written.</li>
 * </ol>
 * Each part is decided from the stores and the document, so a run that died anywhere in between is finished by
 * running the migration again.
 */
final class BookClosingStep {

    private static final Logger log = LoggerFactory.getLogger(BookClosingStep.class);
    /** The document changing under a book-closing record: re-read and apply again, at most 100 times. */
    private static final Backoff CHANGED_DOCUMENT = new Backoff(Duration.ofMillis(5), Duration.ofMillis(200), 100);
    /** How often the emptied source may be written by stale writers before its close is written, at most. */
    private static final int MAX_DELETE_RACES = 20;
    /** The reason of the close a deleted source keeps. */
    static final String DELETED_REASON = "migration; events deleted by book closing";
    /** The suffix of a default archive stream in the source's own store. */
    static final String ARCHIVE_SUFFIX = "-archive";

    private final MigrationRun run;

    BookClosingStep(MigrationRun run) {
        this.run = run;
    }

    /**
     * Checks the book-closing options before anything is written: the archive store exists and the archive is
     * neither the source nor the target. The launch checks the same, so that a wrong option is refused at once.
     */
    void checkOptions() {
        checkOptions(run.definition, run.source, run.target(), run.streams, run.migrationId);
    }

    /** {@link #checkOptions()} of {@code definition} moving {@code source} to {@code target}. */
    static void checkOptions(MigrationDefinition definition, StreamPointer source, StreamPointer target,
                             EventStreams streams, String migrationId) {
        BookClosingOptions.Settings options = definition.bookClosing();
        if (options == null || !options.archives()) {
            return;
        }
        streams.stores().get(options.archiveStore());
        StreamPointer archive = archivePointer(options, source);
        if (archive.equals(source) || archive.equals(target)) {
            throw new MigrationException(migrationId, "the archive " + archive + " is the migration's "
                    + (archive.equals(source) ? "source" : "target") + "; choose another archive stream or store;"
                    + " nothing was changed");
        }
    }

    void closeBooks() {
        BookClosingOptions.Settings options = run.definition.bookClosing();
        if (options != null) {
            TerminatedStream entry = terminatedEntry();
            if (options.archives()) {
                archive(options, entry);
            }
            if (options.deleteSource()) {
                deleteSource(terminatedEntry());
            }
        }
        run.moveTo(MigrationPhase.BOOK_CLOSED, MigrationStatus.COMPLETED);
        log.info("Migration {} of {} completed: {} -> {}", run.migrationId, run.object(), run.source, run.target());
    }

    // ---------------------------------------------------------------- archive

    private static StreamPointer archivePointer(BookClosingOptions.Settings options, StreamPointer source) {
        String store = options.archiveStore();
        String streamId = options.archiveStreamId() != null ? options.archiveStreamId()
                : store.equals(source.store()) ? source.streamId() + ARCHIVE_SUFFIX : source.streamId();
        return new StreamPointer(streamId, store);
    }

    private void archive(BookClosingOptions.Settings options, TerminatedStream entry) {
        StreamPointer archive = archivePointer(options, run.source);
        if (archive.equals(entry.archive())) {
            return; // an earlier run archived it and recorded it
        }
        if (entry.deletedAt() != null) {
            log.warn("Migration {} of {}: source {} was deleted before an archive was asked for; nothing to archive",
                    run.migrationId, run.object(), run.source);
            return;
        }
        copyToArchive(archive);
        updateEntry(t -> t.withArchive(archive));
        log.info("Migration {} of {}: source {} archived as {}", run.migrationId, run.object(), run.source, archive);
    }

    /**
     * Copies the source, close event included, to {@code archive}, from the archive's version on (an earlier run may
     * have copied a part): each event as it is, in pages, with fenced exact appends.
     */
    private void copyToArchive(StreamPointer archive) {
        EventStore source = run.store(run.source);
        EventStore target = run.store(archive);
        if (target.supportsFencing()) {
            target.raiseFence(archive.streamId(), run.fencingToken());
        }
        long archived = target.version(archive.streamId());
        if (archived > 0) {
            StoredEvent last = target.read(archive.streamId(), archived, 1).get(0);
            List<StoredEvent> same = source.read(run.source.streamId(), archived, 1);
            if (same.isEmpty() || !same.get(0).eventId().equals(last.eventId())) {
                throw new MigrationException(run.migrationId, "the archive stream " + archive + " already holds "
                        + archived + " event(s) that are not a copy of the source " + run.source + "; choose another"
                        + " archive stream (the cutover is done; run the migration again with it to close the books)");
            }
        }
        int pageSize = run.streams.settings().chunkSize();
        while (true) {
            run.requireLock();
            List<StoredEvent> page = source.read(run.source.streamId(), archived + 1, pageSize);
            if (page.isEmpty()) {
                return;
            }
            List<EventData> copies = new ArrayList<>(page.size());
            for (StoredEvent e : page) {
                copies.add(new EventData(e.eventId(), e.type(), e.schemaVersion(), e.payload(), e.metadata(),
                        e.recordedAt()));
            }
            try {
                AppendResult appended = target.append(archive.streamId(), archived == 0 ? ExpectedVersion.noStream()
                        : ExpectedVersion.exactly(archived), copies, run.fencingToken());
                archived = appended.alreadyWritten() ? target.version(archive.streamId()) : appended.newVersion();
            } catch (StaleFencingTokenException fenced) {
                throw new LockLostException(run.lockKey);
            } catch (CommitFailedException unknown) {
                archived = target.version(archive.streamId()); // the ids make a repeated page a no-op
            }
            if (page.get(page.size() - 1).isCloseEvent()) {
                return;
            }
        }
    }

    // ---------------------------------------------------------------- delete

    private void deleteSource(TerminatedStream entry) {
        EventStore store = run.store(run.source);
        CloseEvent close = run.closeOf(run.source);
        if (close != null && DELETED_REASON.equals(close.reason())) {
            if (entry.deletedAt() == null) {
                updateEntry(t -> t.withDeletedAt(run.clock.instant()));
            }
            return; // deleted by an earlier run
        }
        if (entry.deletedAt() == null) {
            // recorded first: from now on readers skip the source (its history is in the continuation), whatever a
            // crash in the middle of the deletion leaves of it
            updateEntry(t -> t.withDeletedAt(run.clock.instant()));
        }
        CloseEvent original = close;
        if (original == null) {
            // an interrupted deletion: what is left is nothing, or the rest of the source (a store deleting in parts)
            requireNoLateEvents(store, entry);
            original = tombstoneFromDocument(entry);
        }
        long started = System.nanoTime();
        deleteKeepingClose(store, original);
        log.info("Migration {} of {}: deleted the events of source {} in {} ms; it keeps only its close toward {}",
                run.migrationId, run.object(), run.source, (System.nanoTime() - started) / 1_000_000, run.target());
    }

    /**
     * After an interrupted deletion the source holds no close: the events left must all be from before its close
     * (the rest of the source, copied to the continuation). One written after it came from a writer of another
     * process standing on the source meanwhile; it is not in the continuation, so nothing is deleted and the
     * operator is told.
     */
    private void requireNoLateEvents(EventStore store, TerminatedStream entry) {
        long late = 0;
        try (var events = store.stream(run.source.streamId(), 1, run.streams.settings().chunkSize())) {
            for (StoredEvent e : (Iterable<StoredEvent>) events::iterator) {
                if (entry.terminatedAt() != null && e.recordedAt() != null
                        && e.recordedAt().isAfter(entry.terminatedAt())) {
                    late++;
                }
            }
        }
        if (late > 0) {
            throw new MigrationException(run.migrationId, "the deletion of source " + run.source + " was interrupted"
                    + " and " + late + " event(s) were appended to it after its close (a writer of another process"
                    + " standing on it); they are not in " + run.target() + ": copy them there (same event ids) and"
                    + " delete " + run.source + " by hand, then run the migration again");
        }
    }

    /** The source's close as the document recorded it, for a run that died between the delete and the new close. */
    private CloseEvent tombstoneFromDocument(TerminatedStream entry) {
        return new CloseEvent(entry.continuationStreamId(), entry.continuationStore(), "migration", run.migrationId,
                entry.lastVersion(), targetVersionAtClose(), entry.terminatedAt());
    }

    /** The continuation's version where the source's copied history ends (its events copied from the source). */
    private long targetVersionAtClose() {
        StreamPointer target = run.target();
        EventStore store = run.store(target);
        long at = 0;
        try (var events = store.stream(target.streamId(), 1, run.streams.settings().chunkSize())) {
            for (StoredEvent e : (Iterable<StoredEvent>) events::iterator) {
                if (!run.sourceName.equals(e.metadata().get(CopyStep.MIGRATED_FROM))) {
                    break;
                }
                at = e.version();
            }
        }
        return at;
    }

    /**
     * Deletes the source and writes a close with {@code original}'s continuation and versions as its only event.
     * This process's writers of the object wait at the write gate meanwhile; appends of other processes that land on
     * the emptied stream before the close are copied to the continuation (same ids, so a repeat is a no-op) and the
     * close is then written after them, naming their last version.
     */
    private void deleteKeepingClose(EventStore store, CloseEvent original) {
        String streamId = run.source.streamId();
        Duration hold = run.definition.live().maxSourcePause();
        WriteGates.Closed gate = run.streams.gates().close(run.definition.objectName(), run.definition.objectId(),
                hold, hold);
        try {
            run.requireLock();
            store.delete(streamId);
            CloseEvent close = new CloseEvent(original.continuationStreamId(), original.continuationStore(),
                    DELETED_REASON, run.migrationId, original.lastSourceVersion(), original.targetVersionAtClose(),
                    original.closedAt());
            long expected = 0;
            for (int race = 0; ; race++) {
                run.requireLock();
                try {
                    store.append(streamId, expected == 0 ? ExpectedVersion.noStream()
                            : ExpectedVersion.exactly(expected), List.of(close.toEventData()), run.fencingToken());
                    return;
                } catch (StaleFencingTokenException fenced) {
                    throw new LockLostException(run.lockKey);
                } catch (CommitFailedException unknown) {
                    CloseEvent written = run.closeOf(run.source);
                    if (written != null && run.migrationId.equals(written.migrationId())) {
                        return;
                    }
                } catch (WrongExpectedVersionException raced) {
                    if (race >= MAX_DELETE_RACES) {
                        throw new MigrationException(run.migrationId, "writers kept appending to the deleted source "
                                + run.source + "; its events are in " + run.target() + ", run the migration again to"
                                + " finish closing the books", raced);
                    }
                    close = moveStrayEvents(store, expected, close);
                    expected = close.lastSourceVersion();
                }
            }
        } finally {
            if (gate != null) {
                gate.close();
            }
        }
    }

    /**
     * Appends that landed on the emptied source (a writer of another process still standing on it) after version
     * {@code from}: copied to the continuation with their ids, so that nothing is lost. Answers the close to write
     * after them.
     */
    private CloseEvent moveStrayEvents(EventStore store, long from, CloseEvent close) {
        List<StoredEvent> stray;
        try (var events = store.stream(run.source.streamId(), from + 1, run.streams.settings().chunkSize())) {
            stray = events.toList();
        }
        List<EventData> moved = new ArrayList<>(stray.size());
        long last = from;
        for (StoredEvent e : stray) {
            if (e.isCloseEvent()) {
                break;
            }
            moved.add(new EventData(e.eventId(), e.type(), e.schemaVersion(), e.payload(), e.metadata(),
                    e.recordedAt()));
            last = e.version();
        }
        StreamPointer target = run.target();
        long targetVersion = close.targetVersionAtClose();
        if (!moved.isEmpty()) {
            AppendResult appended = run.store(target).append(target.streamId(), ExpectedVersion.any(), moved);
            targetVersion = appended.alreadyWritten() ? run.store(target).version(target.streamId())
                    : appended.newVersion();
            log.warn("Migration {} of {}: {} event(s) were appended to source {} while its events were being deleted;"
                    + " moved to {}", run.migrationId, run.object(), moved.size(), run.source, target);
        }
        return new CloseEvent(close.continuationStreamId(), close.continuationStore(), close.reason(),
                close.migrationId(), last, targetVersion, close.closedAt());
    }

    // ---------------------------------------------------------------- the document

    private TerminatedStream terminatedEntry() {
        TerminatedStream entry = run.document().terminatedStream(run.source);
        if (entry == null) {
            throw new MigrationException(run.migrationId, "the document of " + run.object() + " does not list the"
                    + " source " + run.source + " as a terminated stream; its books are not closed");
        }
        return entry;
    }

    /** Applies {@code change} to the source's terminated-stream entry, by compare-and-set, re-reading on conflict. */
    private void updateEntry(UnaryOperator<TerminatedStream> change) {
        Backoff.Retry retry = CHANGED_DOCUMENT.start();
        while (true) {
            run.requireLock();
            ObjectDocument document = run.document();
            TerminatedStream entry = document.terminatedStream(run.source);
            if (entry == null) {
                throw new MigrationException(run.migrationId, "the source " + run.source + " left the document of "
                        + run.object() + " during book closing");
            }
            try {
                run.streams.documents().update(document.withTerminatedStream(change.apply(entry)));
                return;
            } catch (DocumentConcurrencyException changed) {
                if (!retry.failed()) {
                    throw new MigrationException(run.migrationId, "the document of " + run.object() + " kept"
                            + " changing during book closing; run the migration again to finish it", changed);
                }
                retry.pause();
            }
        }
    }
}
