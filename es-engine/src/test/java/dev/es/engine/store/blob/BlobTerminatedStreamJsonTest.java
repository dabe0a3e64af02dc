package dev.es.engine.store.blob;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.document.TerminatedStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Document blobs written before book closing read as before: a terminated stream without archive or deletion. */
class BlobTerminatedStreamJsonTest {

    @Test
    void aDocumentWrittenBeforeBookClosingReadsWithoutArchiveOrDeletion() {
        String old = "{\"objectName\":\"Order\",\"objectId\":\"1\",\"active\":{\"streamId\":\"order-1-v2\","
                + "\"store\":\"other\"},\"terminatedStreams\":[{\"streamId\":\"order-1\",\"store\":\"main\","
                + "\"reason\":\"migration m1\",\"continuationStreamId\":\"order-1-v2\",\"continuationStore\":\"other\","
                + "\"lastVersion\":7,\"terminatedAt\":\"2024-05-06T07:08:09Z\"}],\"tags\":{}}";
        ObjectDocument document = BlobDocumentStore.MAPPER.readValue(old.getBytes(StandardCharsets.UTF_8),
                ObjectDocument.class);
        assertThat(document.terminatedStreams()).containsExactly(new TerminatedStream("order-1", "main",
                "migration m1", "order-1-v2", "other", 7, Instant.parse("2024-05-06T07:08:09Z")));
    }

    @Test
    void archiveAndDeletionRoundTrip() {
        TerminatedStream closed = new TerminatedStream("order-1", "main", "m", "order-1-v2", "other", 7,
                Instant.parse("2024-05-06T07:08:09Z")).withArchive(new StreamPointer("order-1", "archive"))
                .withDeletedAt(Instant.parse("2024-05-06T07:08:10Z"));
        ObjectDocument document = ObjectDocument.create("Order", "1", new StreamPointer("order-1-v2", "other"))
                .cutOver(new StreamPointer("order-1-v2", "other"), closed);
        byte[] json = BlobDocumentStore.MAPPER.writeValueAsBytes(document);
        assertThat(BlobDocumentStore.MAPPER.readValue(json, ObjectDocument.class).terminatedStreams())
                .containsExactly(closed);
    }
}
