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
}
