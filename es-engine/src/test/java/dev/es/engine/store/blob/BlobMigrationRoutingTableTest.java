package dev.es.engine.store.blob;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.migration.AbstractMigrationRoutingTableContractTest;
import dev.es.engine.migration.MigrationEntry;
import dev.es.engine.migration.MigrationPhase;
import dev.es.engine.migration.MigrationRoutingTable;
import dev.es.engine.migration.MigrationStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BlobMigrationRoutingTableTest extends AbstractMigrationRoutingTableContractTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    @Override
    protected MigrationRoutingTable createTable() {
        return new BlobMigrationRoutingTable(AZURITE.newContainer());
    }

    @Test
    void anEntrySavedBeforeEntriesNamedTheirObjectInMetadataIsStillFoundForItsObject() {
        BlobContainerClient container = AZURITE.newContainer();
        BlobMigrationRoutingTable routing = new BlobMigrationRoutingTable(container);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        MigrationEntry old = new MigrationEntry("old-1", "Order", "o-1", new StreamPointer("order-o-1", "main"),
                new StreamPointer("order-o-1-v2", "other"), MigrationPhase.CATCH_UP, MigrationStatus.PAUSED, 3, 1, 4,
                now, now, null);
        // as an earlier version wrote it: the JSON alone, no metadata
        container.getBlobClient("migrations/old-1.json")
                .upload(BinaryData.fromBytes(BlobDocumentStore.MAPPER.writeValueAsBytes(old)));
        routing.save(new MigrationEntry("new-1", "Order", "o-2", old.source(), old.target(), old.phase(),
                old.status(), 0, 0, 1, now, now, null));

        assertThat(routing.forObject("Order", "o-1")).containsExactly(old);
        assertThat(routing.forObject("Order", "o-2")).extracting(MigrationEntry::migrationId).containsExactly("new-1");
    }

    @Test
    void aTableWrittenBeforeTheIndexIsReadAsBeforeUntilItsFirstSaveIndexesIt() {
        BlobContainerClient container = AZURITE.newContainer();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        MigrationEntry first = new MigrationEntry("m-1", "Order", "o-1", new StreamPointer("order-o-1", "main"),
                new StreamPointer("order-o-1-v2", "other"), MigrationPhase.CATCH_UP, MigrationStatus.PAUSED, 3, 1, 4,
                now, now, null);
        MigrationEntry second = new MigrationEntry("m-2", "Order", "o-2", new StreamPointer("order-o-2", "main"),
                new StreamPointer("order-o-2-v2", "other"), MigrationPhase.BOOK_CLOSED, MigrationStatus.COMPLETED, 3,
                0, 5, now, now, null);
        // as the version before the index wrote them: the JSON with the object in metadata, and no index
        for (MigrationEntry e : java.util.List.of(first, second)) {
            container.getBlobClient("migrations/" + e.migrationId() + ".json").uploadWithResponse(
                    new com.azure.storage.blob.options.BlobParallelUploadOptions(
                            BinaryData.fromBytes(BlobDocumentStore.MAPPER.writeValueAsBytes(e)))
                            .setMetadata(java.util.Map.of("objectname", encode("Order"), "objectid",
                                    encode(e.objectId()))), null, null);
        }

        BlobMigrationRoutingTable routing = new BlobMigrationRoutingTable(container);
        assertThat(routing.forObject("Order", "o-2")).containsExactly(second);
        assertThat(names(container, "migrations-index/")).as("a read writes nothing").isEmpty();

        // an entry garbled outside es, without metadata: the indexing leaves it out and goes on
        container.getBlobClient("migrations/m-garbled.json").upload(BinaryData.fromString("{\"migrationId\":"));
        MigrationEntry third = new MigrationEntry("m-3", "Order", "o-1", first.source(), first.target(),
                MigrationPhase.CATCH_UP, MigrationStatus.IN_PROGRESS, 0, 0, 6, now.plusSeconds(1), now, null);
        routing.save(third);
        assertThat(names(container, "migrations-index/")).hasSize(4).contains("migrations-index/complete");
        // another process finds the index complete and reads only the object's part of it
        BlobMigrationRoutingTable other = new BlobMigrationRoutingTable(container);
        assertThat(other.forObject("Order", "o-1")).containsExactly(first, third);
        assertThat(other.forObject("Order", "o-3")).isEmpty();
    }

    @Test
    void aDeletedEntryLeavesTheIndexOfItsObject() {
        BlobContainerClient container = AZURITE.newContainer();
        BlobMigrationRoutingTable routing = new BlobMigrationRoutingTable(container);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        MigrationEntry entry = new MigrationEntry("m-1", "Order", "o-1", new StreamPointer("order-o-1", "main"),
                new StreamPointer("order-o-1-v2", "other"), MigrationPhase.BOOK_CLOSED, MigrationStatus.COMPLETED, 3,
                0, 4, now, now, null);
        routing.save(entry);
        assertThat(routing.forObject("Order", "o-1")).containsExactly(entry);

        routing.delete("m-1");

        assertThat(routing.forObject("Order", "o-1")).isEmpty();
        assertThat(names(container, "migrations-index/")).containsExactly("migrations-index/complete");
    }

    private static java.util.List<String> names(BlobContainerClient container, String prefix) {
        return container.listBlobs(new com.azure.storage.blob.models.ListBlobsOptions().setPrefix(prefix), null)
                .stream().map(com.azure.storage.blob.models.BlobItem::getName).toList();
    }

    private static String encode(String text) {
        return java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
