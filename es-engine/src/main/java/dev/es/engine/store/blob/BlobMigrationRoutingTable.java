package dev.es.engine.store.blob;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import dev.es.engine.CorruptDataException;
import dev.es.engine.EsException;
import dev.es.engine.Identifiers;
import dev.es.engine.internal.Backoff;
import dev.es.engine.migration.MigrationEntry;
import dev.es.engine.migration.MigrationRoutingTable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The migration routing table as one JSON blob per entry, {@code <prefix>/<migrationId>.json}. A save is fenced: it
 * reads the stored entry with its ETag, gives up when that entry has a higher fencing token, and otherwise uploads on
 * {@code If-Match: <etag>} ({@code If-None-Match: *} when there is none), trying again, a bounded number of times with
 * a short jittered backoff, when another save came in between. A save of an entry this table saved last goes straight
 * to the upload, on the ETag that save left (one request; the read follows only when the entry changed since).
 * {@link #all()} lists the prefix and reads every entry. {@link #forObject} lists only the object's own index,
 * {@code <prefix>-index/<sha-256 of the object>/<migrationId>} (an empty blob each entry's first save by a process
 * writes before the entry), and reads those entries: a launch costs the same whether the table holds ten entries or a
 * million. A table written before the index existed is indexed once, by the first save that finds no
 * {@code <prefix>-index/complete} marker; until then {@code forObject} lists the table as before.
 */
public final class BlobMigrationRoutingTable implements MigrationRoutingTable {

    private static final String SUFFIX = ".json";
    /** Metadata of an entry's blob: its object's name and id, so that listing the table tells them. */
    private static final String OBJECT_NAME = "objectname";
    private static final String OBJECT_ID = "objectid";
    private static final int MAX_ID_LENGTH = 200;
    /** Saves that lose to concurrent saves: at most 10 attempts, pausing 5 ms doubling to 200 ms. */
    private static final Backoff CONCURRENT_SAVES = new Backoff(Duration.ofMillis(5), Duration.ofMillis(200), 10);
    private static final int CACHED_SAVES = 1024;

    /** After the table's prefix: where the index of entries by object lives. */
    private static final String INDEX = "-index/";
    /** In the index: the marker saying that every entry is indexed. */
    private static final String INDEX_COMPLETE = "complete";
    /** An index name: the object's hash (64 hex digits), a slash, the migration id. */
    private static final int INDEX_NAME_LENGTH = INDEX.length() + 64 + 1 + MAX_ID_LENGTH;

    private static final Logger log = LoggerFactory.getLogger(BlobMigrationRoutingTable.class);

    private final BlobContainerClient container;
    private final String prefix;
    /** The last save of the entries this table saved most recently. */
    private final Map<String, Saved> lastSaved = Blobs.leastRecentlyUsed(CACHED_SAVES);
    /** Whether the index was seen complete (it stays so: every save writes its entry's index blob first). */
    private volatile boolean indexed;

    /** A table under {@code migrations/}. */
    public BlobMigrationRoutingTable(BlobContainerClient container) {
        this(container, "migrations");
    }

    public BlobMigrationRoutingTable(BlobContainerClient container, String prefix) {
        this.container = Objects.requireNonNull(container, "container");
        this.prefix = Blobs.requirePrefix(prefix, Math.max(1 + MAX_ID_LENGTH + SUFFIX.length(), INDEX_NAME_LENGTH));
    }

    @Override
    public boolean save(MigrationEntry entry) {
        Objects.requireNonNull(entry, "entry");
        BlobClient blob = container.getBlobClient(name(entry.migrationId()));
        BinaryData json = BinaryData.fromBytes(BlobDocumentStore.MAPPER.writeValueAsBytes(entry));
        Saved last = lastSaved.get(entry.migrationId());
        if (last == null) {
            // first save by this table: index the entry before it can exist (an index blob without its entry is
            // skipped; an entry without one could not be found by its object)
            if (!indexed) {
                completeIndex();
            }
            index(entry);
        }
        if (last != null && last.fencingToken() <= entry.fencingToken()) {
            // one request: the stored entry is still the one this table last wrote (If-Match), whose token is no
            // higher than this one's; when it changed since, read it as below
            String etag = upload(blob, json, entry, new BlobRequestConditions().setIfMatch(last.etag()));
            if (etag != null) {
                return true;
            }
        } else if (last == null
                && upload(blob, json, entry, new BlobRequestConditions().setIfNoneMatch("*")) != null) {
            // one request for a new entry (a migration's first save): written only where there was none; when one
            // is there already, read it as below
            return true;
        }
        Backoff.Retry retry = CONCURRENT_SAVES.start();
        while (true) {
            BlobRequestConditions condition;
            try {
                var stored = blob.downloadContentWithResponse(null, null, null, Context.NONE);
                MigrationEntry current = decode(blob.getBlobName(), stored.getValue().toBytes());
                if (current.fencingToken() > entry.fencingToken()) {
                    return false;
                }
                condition = new BlobRequestConditions().setIfMatch(stored.getDeserializedHeaders().getETag());
            } catch (BlobStorageException e) {
                if (e.getStatusCode() != 404) {
                    throw e;
                }
                condition = new BlobRequestConditions().setIfNoneMatch("*");
            }
            if (upload(blob, json, entry, condition) != null) {
                return true;
            }
            if (!retry.failed()) {
                throw new EsException("Saving migration " + entry.migrationId() + " failed: its entry kept"
                        + " changing under concurrent saves (" + retry.failures() + " attempts)");
            }
            retry.pause();
        }
    }

    /**
     * Uploads the entry on {@code condition} and remembers what it wrote.
     *
     * @return the new ETag, or {@code null} when the condition failed (another save came in between)
     */
    private String upload(BlobClient blob, BinaryData json, MigrationEntry entry, BlobRequestConditions condition) {
        try {
            String etag = blob.uploadWithResponse(new BlobParallelUploadOptions(json).setRequestConditions(condition)
                    .setMetadata(objectMetadata(entry)), null, Context.NONE).getValue().getETag();
            lastSaved.put(entry.migrationId(), new Saved(etag, entry.fencingToken()));
            return etag;
        } catch (BlobStorageException e) {
            if (!Blobs.isStatus(e, 404, 409, 412)) {
                throw e;
            }
            lastSaved.remove(entry.migrationId());
            return null;
        }
    }

    /** What this table last wrote of an entry: its blob's ETag and its fencing token. */
    private record Saved(String etag, long fencingToken) {
    }

    @Override
    public Optional<MigrationEntry> get(String migrationId) {
        String name = name(migrationId);
        BinaryData data = Blobs.downloadOrNull(container.getBlobClient(name));
        return data == null ? Optional.empty() : Optional.of(decode(name, data.toBytes()));
    }

    /** The entry stored in blob {@code name}; bytes changed outside es are a {@link CorruptDataException}. */
    private MigrationEntry decode(String name, byte[] bytes) {
        try {
            return BlobDocumentStore.MAPPER.readValue(bytes, MigrationEntry.class);
        } catch (RuntimeException garbled) {
            throw new CorruptDataException("routing entry " + name, "container " + container.getBlobContainerName(),
                    CorruptDataException.reasonOf(garbled), garbled);
        }
    }

    @Override
    public List<MigrationEntry> all() {
        return entries();
    }

    /** One listing of the object's index, then a read of each of its entries. */
    @Override
    public List<MigrationEntry> forObject(String objectName, String objectId) {
        Objects.requireNonNull(objectName, "objectName");
        Objects.requireNonNull(objectId, "objectId");
        if (!indexed && !indexMarked()) {
            // a table no save of this version has written to yet: as before the index, read without writing
            return unindexed(objectName, objectId);
        }
        String dir = prefix + INDEX + objectHash(objectName, objectId) + "/";
        List<MigrationEntry> entries = new ArrayList<>();
        for (String indexName : Blobs.names(container, dir)) {
            String migrationId = indexName.substring(dir.length());
            String name = name(migrationId);
            BinaryData data = Blobs.downloadOrNull(container.getBlobClient(name));
            if (data == null) {
                continue; // indexed, but not saved (yet, or any more)
            }
            MigrationEntry entry = decode(name, data.toBytes());
            if (objectName.equals(entry.objectName()) && objectId.equals(entry.objectId())) {
                entries.add(entry);
            }
        }
        return sorted(entries);
    }

    /** Every entry, oldest first. */
    private List<MigrationEntry> entries() {
        List<MigrationEntry> entries = new ArrayList<>();
        for (BlobItem item : entryBlobs(false)) {
            BinaryData data = Blobs.downloadOrNull(container.getBlobClient(item.getName()));
            if (data != null) {
                entries.add(decode(item.getName(), data.toBytes()));
            }
        }
        return sorted(entries);
    }

    /**
     * The object's entries without the index: one listing of the table with the entries' metadata, then a read of
     * only the entries of that object (and of entries saved before their object was kept in their metadata).
     */
    private List<MigrationEntry> unindexed(String objectName, String objectId) {
        List<MigrationEntry> entries = new ArrayList<>();
        for (BlobItem item : entryBlobs(true)) {
            Map<String, String> metadata = item.getMetadata();
            if (metadata != null && metadata.containsKey(OBJECT_NAME)
                    && !(encode(objectName).equals(metadata.get(OBJECT_NAME))
                    && encode(objectId).equals(metadata.get(OBJECT_ID)))) {
                continue;
            }
            BinaryData data = Blobs.downloadOrNull(container.getBlobClient(item.getName()));
            if (data == null) {
                continue;
            }
            MigrationEntry entry = decode(item.getName(), data.toBytes());
            if (objectName.equals(entry.objectName()) && objectId.equals(entry.objectId())) {
                entries.add(entry);
            }
        }
        return sorted(entries);
    }

    /** The entry blobs of the table (not its index), listed with their metadata when asked. */
    private List<BlobItem> entryBlobs(boolean withMetadata) {
        String dir = prefix + "/";
        ListBlobsOptions listing = new ListBlobsOptions().setPrefix(dir)
                .setDetails(new BlobListDetails().setRetrieveMetadata(withMetadata));
        List<BlobItem> items = new ArrayList<>();
        for (BlobItem item : container.listBlobs(listing, null)) {
            String name = item.getName();
            if (name.endsWith(SUFFIX) && name.indexOf('/', dir.length()) < 0) {
                items.add(item);
            }
        }
        return items;
    }

    private static List<MigrationEntry> sorted(List<MigrationEntry> entries) {
        entries.sort(Comparator.comparing(MigrationEntry::startedAt, Comparator.nullsFirst(Comparator.naturalOrder())));
        return entries;
    }

    /** Whether the index is marked complete (then remembered). */
    private boolean indexMarked() {
        if (container.getBlobClient(prefix + INDEX + INDEX_COMPLETE).exists()) {
            indexed = true;
        }
        return indexed;
    }

    /**
     * Makes sure every entry is in the index before this table's first save: at once when the complete marker is
     * there; otherwise (a table written before the index existed, or a new one) every entry is indexed, from its
     * blob's metadata or, for an entry saved before that was kept, from the entry itself, and the marker is written.
     * Indexing twice does no harm. Only a save does it, so that reads (a dry run) write nothing.
     */
    private void completeIndex() {
        if (indexMarked()) {
            return;
        }
        BlobClient marker = container.getBlobClient(prefix + INDEX + INDEX_COMPLETE);
        int count = 0;
        for (BlobItem item : entryBlobs(true)) {
            String name = item.getName();
            String migrationId = name.substring(prefix.length() + 1, name.length() - SUFFIX.length());
            Map<String, String> metadata = item.getMetadata();
            String objectName = metadata == null ? null : decodeName(metadata.get(OBJECT_NAME));
            String objectId = metadata == null ? null : decodeName(metadata.get(OBJECT_ID));
            if (objectName == null || objectId == null) {
                // an entry saved before its object was kept in metadata (or with metadata changed outside es)
                BinaryData data = Blobs.downloadOrNull(container.getBlobClient(name));
                if (data == null) {
                    continue;
                }
                MigrationEntry entry;
                try {
                    entry = decode(name, data.toBytes());
                } catch (CorruptDataException garbled) {
                    // unreadable by any look-up: indexing the rest must not stop on it
                    log.warn("Routing entry {} of container {} is not readable; left out of the index", name,
                            container.getBlobContainerName(), garbled);
                    continue;
                }
                objectName = entry.objectName();
                objectId = entry.objectId();
            }
            if (objectName != null && objectId != null) {
                writeIndex(objectName, objectId, migrationId);
                count++;
            }
        }
        marker.upload(BinaryData.fromBytes(new byte[0]), true);
        indexed = true;
        if (count > 0) {
            log.info("Indexed {} migration routing entries of container {} by object (once)", count,
                    container.getBlobContainerName());
        }
    }

    /** Writes the index blob of {@code entry}, when it names an object. */
    private void index(MigrationEntry entry) {
        if (entry.objectName() != null && entry.objectId() != null) {
            writeIndex(entry.objectName(), entry.objectId(), entry.migrationId());
        }
    }

    private void writeIndex(String objectName, String objectId, String migrationId) {
        container.getBlobClient(indexName(objectName, objectId, migrationId))
                .upload(BinaryData.fromBytes(new byte[0]), true);
    }

    private String indexName(String objectName, String objectId, String migrationId) {
        return prefix + INDEX + objectHash(objectName, objectId) + "/" + migrationId;
    }

    /** The object's name and id as 64 hex digits: one fixed-length folder of the index whatever they hold. */
    private static String objectHash(String objectName, String objectId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(objectName.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(objectId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** A name from an entry blob's metadata; null when absent or not base64url. */
    private static @Nullable String decodeName(@Nullable String encoded) {
        if (encoded == null) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    /** The entry's object in its blob's metadata (which holds ASCII only: the names are base64url-encoded). */
    private static Map<String, String> objectMetadata(MigrationEntry entry) {
        if (entry.objectName() == null || entry.objectId() == null) {
            return null;
        }
        return Map.of(OBJECT_NAME, encode(entry.objectName()), OBJECT_ID, encode(entry.objectId()));
    }

    private static String encode(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void delete(String migrationId) {
        BlobClient blob = container.getBlobClient(name(migrationId));
        BinaryData data = Blobs.downloadOrNull(blob);
        blob.deleteIfExists();
        lastSaved.remove(migrationId);
        if (data != null) {
            MigrationEntry entry;
            try {
                entry = decode(blob.getBlobName(), data.toBytes());
            } catch (CorruptDataException garbled) {
                return; // its index blob, if any, stays: a look-up skips an index blob without its entry
            }
            if (entry.objectName() != null && entry.objectId() != null) {
                container.getBlobClient(indexName(entry.objectName(), entry.objectId(), migrationId))
                        .deleteIfExists();
            }
        }
    }

    @Override
    public boolean isReachable() {
        return BlobContainers.isReachable(container, "Blob routing table");
    }

    private String name(String migrationId) {
        return prefix + "/" + Identifiers.require("migrationId", migrationId, MAX_ID_LENGTH) + SUFFIX;
    }
}
