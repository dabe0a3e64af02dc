package dev.es.engine.backup;

import dev.es.engine.document.StreamPointer;
import dev.es.engine.document.TerminatedStream;
import org.jspecify.annotations.Nullable;

/**
 * One stream in a backup, as its manifest records it: where it lived, which of its events the backup holds and the
 * part that holds them.
 *
 * @param streamId     the stream's id
 * @param store        the event store it lived in
 * @param terminated   how the document recorded it as terminated, or {@code null} for the active stream
 * @param part         the backup part that holds its events
 * @param firstVersion the version of its first event in the part (1), or 0 when it had none
 * @param lastVersion  the version of its last event in the part (a terminated stream's close event included), or 0
 * @param eventCount   the events in the part
 * @param byteSize     the part's stored size in bytes
 * @param sha256       the SHA-256 of the part's stored bytes, lower-case hex
 */
public record BackupStream(String streamId, String store, @Nullable TerminatedStream terminated, String part,
                           long firstVersion, long lastVersion, long eventCount, long byteSize, String sha256) {

    /** Where the stream lived. */
    public StreamPointer pointer() {
        return new StreamPointer(streamId, store);
    }

    /** Whether this was the document's active stream when the backup was taken. */
    public boolean active() {
        return terminated == null;
    }
}
