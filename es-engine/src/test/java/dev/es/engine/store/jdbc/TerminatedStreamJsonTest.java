package dev.es.engine.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.document.StreamPointer;
import dev.es.engine.document.TerminatedStream;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The terminated streams column: documents written before book closing read as before, the new fields round trip. */
class TerminatedStreamJsonTest {

    @Test
    void aColumnWrittenBeforeBookClosingReadsWithoutArchiveOrDeletion() {
        String old = "[{\"streamId\":\"order-1\",\"store\":\"main\",\"reason\":\"migration m1\","
                + "\"continuationStreamId\":\"order-1-v2\",\"continuationStore\":\"other\",\"lastVersion\":7,"
                + "\"terminatedAt\":\"2024-05-06T07:08:09Z\"}]";
        assertThat(JdbcDocumentStore.terminatedFromJson(old)).containsExactly(new TerminatedStream("order-1", "main",
                "migration m1", "order-1-v2", "other", 7, Instant.parse("2024-05-06T07:08:09Z")));
    }

    @Test
    void archiveAndDeletionRoundTripAndAreLeftOutWhenAbsent() {
        TerminatedStream plain = new TerminatedStream("order-1", "main", "m", "order-1-v2", "other", 7,
                Instant.parse("2024-05-06T07:08:09Z"));
        TerminatedStream closed = plain.withArchive(new StreamPointer("order-1", "archive"))
                .withDeletedAt(Instant.parse("2024-05-06T07:08:10Z"));
        String json = JdbcDocumentStore.terminatedToJson(List.of(plain, closed));
        assertThat(JdbcDocumentStore.terminatedFromJson(json)).containsExactly(plain, closed);
        assertThat(JdbcDocumentStore.terminatedToJson(List.of(plain))).doesNotContain("archive").doesNotContain("deleted");
    }
}
