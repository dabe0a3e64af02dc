package dev.es.engine.backup;

import org.jspecify.annotations.Nullable;

/**
 * Where a restore writes.
 * <p>
 * With neither {@code targetStream} nor {@code targetStore}, each backed-up stream goes back to where it was (same
 * id, same store, same versions, a terminated stream's close event included), and only when every one of them is
 * absent or empty there. With either, the object's whole backed-up history (close events left out) goes into that
 * one stream, versions 1 to n; the other defaults to the backed-up active stream's id or store. The target must be
 * absent or empty.
 *
 * @param targetStream     the stream to restore into, or {@code null}
 * @param targetStore      the event store to restore into, or {@code null}
 * @param repointDocument  whether to point the object document at what was restored (compare-and-set on the
 *                         document as read when the restore began; created when absent)
 */
public record RestoreOptions(@Nullable String targetStream, @Nullable String targetStore, boolean repointDocument) {

    /** Back to where the streams were; the document is created when absent and otherwise left alone. */
    public static RestoreOptions inPlace() {
        return new RestoreOptions(null, null, false);
    }

    /** These options writing the history into stream {@code streamId}. */
    public RestoreOptions toStream(String streamId) {
        return new RestoreOptions(streamId, targetStore, repointDocument);
    }

    /** These options writing into event store {@code store}. */
    public RestoreOptions toStore(String store) {
        return new RestoreOptions(targetStream, store, repointDocument);
    }

    /** These options pointing the object document at what was restored. */
    public RestoreOptions repointingDocument() {
        return new RestoreOptions(targetStream, targetStore, true);
    }

    /** Whether the history goes into one named stream instead of back where it was. */
    public boolean merges() {
        return targetStream != null || targetStore != null;
    }
}
