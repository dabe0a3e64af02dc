package dev.es.engine.backup;

import dev.es.engine.document.StreamPointer;
import java.time.Duration;
import java.util.List;

/**
 * What a restore wrote.
 *
 * @param backupId   the backup restored
 * @param streams    the streams written, in the order written
 * @param eventCount the events written
 * @param document   what happened to the object document
 * @param duration   how long the restore took, validation included
 */
public record RestoreResult(String backupId, List<StreamPointer> streams, long eventCount, DocumentChange document,
                            Duration duration) {

    public RestoreResult {
        streams = List.copyOf(streams);
    }

    /** What a restore did to the object document. */
    public enum DocumentChange {
        /** Left as it was. */
        UNCHANGED,
        /** Created, because there was none. */
        CREATED,
        /** Pointed at the restored streams (compare-and-set). */
        REPOINTED
    }
}
