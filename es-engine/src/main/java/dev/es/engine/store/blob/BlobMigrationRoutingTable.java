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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The migration routing table as one JSON blob per entry, {@code <prefix>/<migrationId>.json}. A save is fenced: it
 * reads the stored entry with its ETag, gives up when that entry has a higher fencing token, and otherwise uploads on
 * {@code If-Match: <etag>} ({@code If-None-Match: *} when there is none), trying again, a bounded number of times with
 * a short jittered backoff, when another save came in between. A save of an entry this table saved last goes straight
 * to the upload, on the ETag that save left (one request; the read follows only when the entry changed since). {@link #all()} lists the prefix and reads every entry;
 * {@link #forObject} reads only the entries of one object, which each blob names in its metadata.
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

    private final BlobContainerClient container;
    private final String prefix;
    /** The last save of the entries this table saved most recently. */
    private final Map<String, Saved> lastSaved = Blobs.leastRecentlyUsed(CACHED_SAVES);

    /** A table under {@code migrations/}. */
    public BlobMigrationRoutingTable(BlobContainerClient container) {
        this(container, "migrations");
    }

    public BlobMigrationRoutingTable(BlobContainerClient container, String prefix) {
        this.container = Objects.requireNonNull(container, "container");
        this.prefix = Blobs.requirePrefix(prefix, 1 + MAX_ID_LENGTH + SUFFIX.length());
    }

    @Override
    public boolean save(MigrationEntry entry) {
        Objects.requireNonNull(entry, "entry");
        BlobClient blob = container.getBlobClient(name(entry.migrationId()));
        BinaryData json = BinaryData.fromBytes(BlobDocumentStore.MAPPER.writeValueAsBytes(entry));
        Saved last = lastSaved.get(entry.migrationId());
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
        return entries(null, null);
    }

    /**
     * One listing of the table with the entries' metadata, then a read of only the entries of that object (and of
     * entries saved before their object was kept in their metadata).
     */
    @Override
    public List<MigrationEntry> forObject(String objectName, String objectId) {
        Objects.requireNonNull(objectName, "objectName");
        Objects.requireNonNull(objectId, "objectId");
        return entries(objectName, objectId);
    }

    /** Every entry, or with {@code objectName} those of that object, oldest first. */
    private List<MigrationEntry> entries(String objectName, String objectId) {
        List<MigrationEntry> entries = new ArrayList<>();
        String dir = prefix + "/";
        ListBlobsOptions listing = new ListBlobsOptions().setPrefix(dir)
                .setDetails(new BlobListDetails().setRetrieveMetadata(objectName != null));
        for (BlobItem item : container.listBlobs(listing, null)) {
            String name = item.getName();
            if (!name.endsWith(SUFFIX) || name.indexOf('/', dir.length()) >= 0) {
                continue;
            }
            Map<String, String> metadata = item.getMetadata();
            if (objectName != null && metadata != null && metadata.containsKey(OBJECT_NAME)
                    && !(encode(objectName).equals(metadata.get(OBJECT_NAME))
                    && encode(objectId).equals(metadata.get(OBJECT_ID)))) {
                continue;
            }
            BinaryData data = Blobs.downloadOrNull(container.getBlobClient(name));
            if (data == null) {
                continue;
            }
            MigrationEntry entry = decode(name, data.toBytes());
            if (objectName == null || objectName.equals(entry.objectName()) && objectId.equals(entry.objectId())) {
                entries.add(entry);
            }
        }
        entries.sort(Comparator.comparing(MigrationEntry::startedAt, Comparator.nullsFirst(Comparator.naturalOrder())));
        return entries;
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
        container.getBlobClient(name(migrationId)).deleteIfExists();
        lastSaved.remove(migrationId);
    }

    @Override
    public boolean isReachable() {
        return BlobContainers.isReachable(container, "Blob routing table");
    }

    private String name(String migrationId) {
        return prefix + "/" + Identifiers.require("migrationId", migrationId, MAX_ID_LENGTH) + SUFFIX;
    }
}
