package dev.es.engine.store.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.engine.document.AbstractDocumentStoreContractTest;
import dev.es.engine.document.DocumentConcurrencyException;
import dev.es.engine.document.DocumentStore;
import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BlobDocumentStoreTest extends AbstractDocumentStoreContractTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    @Test
    void twoIndependentClientsCompareAndSetOnTheBlobEtag() {
        BlobDocumentStore first = (BlobDocumentStore) store;
        BlobDocumentStore second = new BlobDocumentStore(AZURITE.newClient()
                .getBlobContainerClient(first.container().getBlobContainerName()));
        ObjectDocument created = first.create(ObjectDocument.create("Order", "x-1",
                new StreamPointer("order-x-1", "main")));
        assertThat(created.etag()).isEqualTo(first.container().getBlobClient("documents/Order/x-1.json")
                .getProperties().getETag());
        ObjectDocument seenBySecond = second.get("Order", "x-1").orElseThrow();
        assertThat(seenBySecond.etag()).isEqualTo(created.etag());
        first.update(created.withTag("by", "first"));
        assertThatThrownBy(() -> second.update(seenBySecond.withTag("by", "second")))
                .isInstanceOf(DocumentConcurrencyException.class);
        assertThatThrownBy(() -> second.create(seenBySecond.withEtag(null)))
                .isInstanceOf(DocumentConcurrencyException.class);
        assertThat(second.get("Order", "x-1").orElseThrow().tags()).containsEntry("by", "first");
    }

    @Override
    protected DocumentStore createStore() {
        return new BlobDocumentStore(AZURITE.newContainer());
    }
}
