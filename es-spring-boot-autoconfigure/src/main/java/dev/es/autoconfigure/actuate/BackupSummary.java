package dev.es.autoconfigure.actuate;

import dev.es.engine.backup.BackupDescriptor;
import dev.es.engine.backup.BackupStream;
import java.time.Instant;
import java.util.List;

/**
 * One backup as the {@code backups} endpoint shows it, from its manifest: never any event payload, document or tag.
 *
 * @param id          the backup's id
 * @param provider    the storage that holds it ({@code file}, {@code blob})
 * @param objectName  the object's name
 * @param objectId    the object's id
 * @param createdAt   when it was taken
 * @param eventCount  the events of every stream
 * @param byteSize    the stored bytes of every part
 * @param compressed  whether its event parts are gzip-compressed
 * @param sha256      the checksum of its content
 * @param streams     the streams it holds, oldest first; the last was the active one
 */
public record BackupSummary(String id, String provider, String objectName, String objectId, Instant createdAt,
                            long eventCount, long byteSize, boolean compressed, String sha256,
                            List<BackedUpStream> streams) {

    static BackupSummary of(BackupDescriptor b) {
        return new BackupSummary(b.backupId(), b.provider(), b.objectName(), b.objectId(), b.createdAt(),
                b.eventCount(), b.byteSize(), b.compressed(), b.sha256(),
                b.streams().stream().map(BackedUpStream::of).toList());
    }

    /**
     * One stream of a backup.
     *
     * @param streamId     the stream's id
     * @param store        the event store it lived in
     * @param active       whether it was the object's active stream when the backup was taken
     * @param firstVersion the version of its first event in the backup, 0 when it had none
     * @param lastVersion  the version of its last event in the backup, 0 when it had none
     * @param eventCount   its events in the backup
     * @param byteSize     the stored size of its part
     */
    public record BackedUpStream(String streamId, String store, boolean active, long firstVersion,
                                 long lastVersion, long eventCount, long byteSize) {

        static BackedUpStream of(BackupStream s) {
            return new BackedUpStream(s.streamId(), s.store(), s.active(), s.firstVersion(), s.lastVersion(),
                    s.eventCount(), s.byteSize());
        }
    }
}
