package dev.es.engine.store.blob;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import dev.es.engine.EsException;
import dev.es.engine.Identifiers;
import dev.es.engine.migration.MigrationEntry;
import dev.es.engine.migration.MigrationRoutingTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The migration routing table as one JSON blob per entry, {@code <prefix>/<migrationId>.json}. A save is fenced: it
 * reads the stored entry with its ETag, gives up when that entry has a higher fencing token, and otherwise uploads on
 * {@code If-Match: <etag>} ({@code If-None-Match: *} when there is none), trying again, a bounded number of times with
 * a short jittered backoff, when another save came in between. {@link #all()} lists the prefix and reads every entry.
 */
public final class BlobMigrationRoutingTable implements MigrationRoutingTable {

    private static final String SUFFIX = ".json";
    private static final int MAX_ID_LENGTH = 200;
    private static final int MAX_SAVE_ATTEMPTS = 10;
    private static final long MAX_BACKOFF_MILLIS = 200;

    private final BlobContainerClient container;
    private final String prefix;

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
        long backoff = 5;
        for (int attempt = 1; ; attempt++) {
            BlobRequestConditions condition;
            try {
                var stored = blob.downloadContentWithResponse(null, null, null, Context.NONE);
                MigrationEntry current = BlobDocumentStore.MAPPER.readValue(stored.getValue().toBytes(),
                        MigrationEntry.class);
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
            try {
                blob.uploadWithResponse(new BlobParallelUploadOptions(json).setRequestConditions(condition), null,
                        Context.NONE);
                return true;
            } catch (BlobStorageException e) {
                if (!Blobs.isStatus(e, 409, 412)) {
                    throw e;
                }
                if (attempt >= MAX_SAVE_ATTEMPTS) {
                    throw new EsException("Saving migration " + entry.migrationId() + " failed: its entry kept"
                            + " changing under concurrent saves (" + attempt + " attempts)", e);
                }
            }
            sleep(backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
            backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(Math.max(1, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EsException("Interrupted while saving a migration entry", e);
        }
    }

    @Override
    public Optional<MigrationEntry> get(String migrationId) {
        BinaryData data = Blobs.downloadOrNull(container.getBlobClient(name(migrationId)));
        return data == null ? Optional.empty()
                : Optional.of(BlobDocumentStore.MAPPER.readValue(data.toBytes(), MigrationEntry.class));
    }

    @Override
    public List<MigrationEntry> all() {
        List<MigrationEntry> entries = new ArrayList<>();
        String dir = prefix + "/";
        for (String name : Blobs.names(container, dir)) {
            if (!name.endsWith(SUFFIX) || name.indexOf('/', dir.length()) >= 0) {
                continue;
            }
            BinaryData data = Blobs.downloadOrNull(container.getBlobClient(name));
            if (data != null) {
                entries.add(BlobDocumentStore.MAPPER.readValue(data.toBytes(), MigrationEntry.class));
            }
        }
        entries.sort(Comparator.comparing(MigrationEntry::startedAt, Comparator.nullsFirst(Comparator.naturalOrder())));
        return entries;
    }

    @Override
    public void delete(String migrationId) {
        container.getBlobClient(name(migrationId)).deleteIfExists();
    }

    @Override
    public boolean isReachable() {
        return BlobContainers.isReachable(container, "Blob routing table");
    }

    private String name(String migrationId) {
        return prefix + "/" + Identifiers.require("migrationId", migrationId, MAX_ID_LENGTH) + SUFFIX;
    }
}
