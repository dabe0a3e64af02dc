package dev.es.engine.backup;

import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A stored backup as its manifest describes it: which object, which streams, how many events and bytes, when, and
 * the checksum of its content. Listing and {@code get} read only manifests, never the events.
 *
 * @param backupId      the backup's id, unique across storages
 * @param provider      the storage that holds it
 * @param formatVersion the format it was written in
 * @param objectName    the object's name
 * @param objectId      the object's id
 * @param createdAt     when the backup was taken
 * @param compressed    whether its event parts are gzip-compressed
 * @param streams       the streams it holds, oldest first; the last is the one that was active
 * @param eventCount    the events of every stream
 * @param byteSize      the stored bytes of every part
 * @param sha256        the SHA-256 of every part's stored bytes in stream order, lower-case hex
 * @param document      the object document when the backup kept it, else {@code null}
 * @param tags          the document's tags when the backup was taken
 */
public record BackupDescriptor(String backupId, String provider, int formatVersion, String objectName,
                               String objectId, Instant createdAt, boolean compressed, List<BackupStream> streams,
                               long eventCount, long byteSize, String sha256, @Nullable ObjectDocument document,
                               Map<String, String> tags) {

    public BackupDescriptor {
        Objects.requireNonNull(backupId, "backupId");
        streams = List.copyOf(streams);
        tags = Map.copyOf(tags);
    }

    /** The stream that was active when the backup was taken. */
    public StreamPointer activeStream() {
        return streams.get(streams.size() - 1).pointer();
    }
}
