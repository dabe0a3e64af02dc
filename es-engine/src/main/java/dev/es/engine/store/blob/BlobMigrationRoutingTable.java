package dev.es.engine.store.blob;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import dev.es.engine.Identifiers;
import dev.es.engine.migration.MigrationEntry;
import dev.es.engine.migration.MigrationRoutingTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The migration routing table as one JSON blob per entry, {@code <prefix>/<migrationId>.json}. A migration's entry
 * is written only by the migration holding its lock, so a save simply replaces the blob. {@link #all()} lists the
 * prefix and reads every entry.
 */
public final class BlobMigrationRoutingTable implements MigrationRoutingTable {

    private static final String SUFFIX = ".json";
    private static final int MAX_ID_LENGTH = 200;

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
    public void save(MigrationEntry entry) {
        Objects.requireNonNull(entry, "entry");
        byte[] json = BlobDocumentStore.MAPPER.writeValueAsBytes(entry);
        container.getBlobClient(name(entry.migrationId())).upload(BinaryData.fromBytes(json), true);
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
