package dev.es.engine.document;

import dev.es.engine.Identifiers;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A stream an object used before: closed, with the continuation writers were sent to, and what book closing did to
 * it afterwards (archived it, deleted its events).
 *
 * @param lastVersion     the stream's version before its close event
 * @param archiveStreamId the stream book closing copied it to (events and close event, versions unchanged), or
 *                        {@code null} when it was not archived
 * @param archiveStore    the store of that archive copy, or {@code null}
 * @param deletedAt       when book closing deleted its events, or {@code null} while they are still there; a deleted
 *                        stream keeps only its close event (toward the same continuation), so that a writer still
 *                        standing on it is sent on
 */
public record TerminatedStream(String streamId, String store, String reason, String continuationStreamId,
                               String continuationStore, long lastVersion, Instant terminatedAt,
                               @Nullable String archiveStreamId, @Nullable String archiveStore,
                               @Nullable Instant deletedAt) {

    public TerminatedStream {
        Identifiers.requireStreamId(streamId);
        Identifiers.requireStoreName(store);
        if ((archiveStreamId == null) != (archiveStore == null)) {
            throw new IllegalArgumentException("A terminated stream names both an archive stream and its store, or"
                    + " neither (got stream " + archiveStreamId + ", store " + archiveStore + ")");
        }
        if (archiveStreamId != null) {
            Identifiers.requireStreamId(archiveStreamId);
            Identifiers.requireStoreName(archiveStore);
        }
    }

    /** A terminated stream neither archived nor deleted (the form documents had before book closing). */
    public TerminatedStream(String streamId, String store, String reason, String continuationStreamId,
                            String continuationStore, long lastVersion, Instant terminatedAt) {
        this(streamId, store, reason, continuationStreamId, continuationStore, lastVersion, terminatedAt, null, null,
                null);
    }

    public StreamPointer pointer() {
        return new StreamPointer(streamId, store);
    }

    /** Where book closing archived this stream, or {@code null} when it did not. */
    public @Nullable StreamPointer archive() {
        return archiveStreamId == null ? null : new StreamPointer(archiveStreamId, archiveStore);
    }

    /** This entry recording the archive copy book closing made. */
    public TerminatedStream withArchive(StreamPointer archive) {
        return new TerminatedStream(streamId, store, reason, continuationStreamId, continuationStore, lastVersion,
                terminatedAt, archive.streamId(), archive.store(), deletedAt);
    }

    /** This entry recording that book closing deleted the stream's events at {@code when}. */
    public TerminatedStream withDeletedAt(Instant when) {
        return new TerminatedStream(streamId, store, reason, continuationStreamId, continuationStore, lastVersion,
                terminatedAt, archiveStreamId, archiveStore, when);
    }
}
