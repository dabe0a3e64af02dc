package dev.es.engine.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.engine.InvalidIdentifierException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link DocumentStore} must do: etag compare-and-set, round trips, listing. */
public abstract class AbstractDocumentStoreContractTest {

    protected abstract DocumentStore createStore();

    protected DocumentStore store;

    @BeforeEach
    void makeStore() {
        store = createStore();
    }

    private static String newId() {
        return "doc-" + UUID.randomUUID();
    }

    private static ObjectDocument document(String id) {
        return ObjectDocument.create("Order", id, new StreamPointer("order-" + id, "main"));
    }

    @Test
    void createThenGetRoundTripsEveryField() {
        String id = newId();
        ObjectDocument created = store.create(document(id).withTag("vip", "gold"));
        assertThat(created.etag()).isNotBlank();

        ObjectDocument moved = created.cutOver(new StreamPointer("order-" + id + "-v2", "other"),
                new TerminatedStream("order-" + id, "main", "migration", "order-" + id + "-v2", "other", 7,
                        Instant.parse("2024-05-06T07:08:09Z")));
        store.update(moved);

        ObjectDocument read = store.get("Order", id).orElseThrow();
        assertThat(read.active()).isEqualTo(new StreamPointer("order-" + id + "-v2", "other"));
        assertThat(read.terminatedStreams()).singleElement().satisfies(t -> {
            assertThat(t.streamId()).isEqualTo("order-" + id);
            assertThat(t.continuationStore()).isEqualTo("other");
            assertThat(t.lastVersion()).isEqualTo(7);
            assertThat(t.terminatedAt()).isEqualTo(Instant.parse("2024-05-06T07:08:09Z"));
        });
        assertThat(read.tags()).containsEntry("vip", "gold");
    }

    /** Book closing's record of a terminated stream (issue 13): archive and deletion round trip, absent ones too. */
    @Test
    void terminatedStreamsKeepWhatBookClosingRecorded() {
        String id = newId();
        ObjectDocument created = store.create(document(id));
        Instant at = Instant.parse("2024-05-06T07:08:09Z");
        TerminatedStream plain = new TerminatedStream("order-" + id, "main", "migration", "order-" + id + "-v2",
                "other", 7, at);
        TerminatedStream closed = new TerminatedStream("order-" + id + "-v2", "other", "migration m2",
                "order-" + id + "-v3", "main", 9, at.plusSeconds(1))
                .withArchive(new StreamPointer("order-" + id + "-v2", "archive"))
                .withDeletedAt(at.plusSeconds(2));
        ObjectDocument moved = created.cutOver(new StreamPointer("order-" + id + "-v2", "other"), plain)
                .cutOver(new StreamPointer("order-" + id + "-v3", "main"), closed);
        store.update(moved);

        ObjectDocument read = store.get("Order", id).orElseThrow();
        assertThat(read.terminatedStreams()).containsExactly(plain, closed);
        assertThat(read.terminatedStreams().get(0).archive()).isNull();
        assertThat(read.terminatedStreams().get(0).deletedAt()).isNull();
        assertThat(read.terminatedStream(closed.pointer()).archive())
                .isEqualTo(new StreamPointer("order-" + id + "-v2", "archive"));

        store.update(read.withTerminatedStream(plain.withArchive(new StreamPointer("a-" + id, "archive"))));
        assertThat(store.get("Order", id).orElseThrow().terminatedStream(plain.pointer()).archiveStreamId())
                .isEqualTo("a-" + id);
    }

    @Test
    void absentDocumentIsEmpty() {
        assertThat(store.get("Order", newId())).isEmpty();
    }

    @Test
    void createOfAnExistingDocumentFails() {
        String id = newId();
        store.create(document(id));
        assertThatThrownBy(() -> store.create(document(id))).isInstanceOf(DocumentConcurrencyException.class);
    }

    @Test
    void updateWithAStaleEtagFailsAndChangesNothing() {
        String id = newId();
        ObjectDocument first = store.create(document(id));
        ObjectDocument second = store.update(first.withTag("a", "1"));
        assertThat(second.etag()).isNotEqualTo(first.etag());

        assertThatThrownBy(() -> store.update(first.withTag("b", "2")))
                .isInstanceOfSatisfying(DocumentConcurrencyException.class,
                        e -> assertThat(e.expectedEtag()).isEqualTo(first.etag()));
        assertThat(store.get("Order", id).orElseThrow().tags()).containsOnlyKeys("a");
    }

    @Test
    void updateOfAMissingDocumentFails() {
        ObjectDocument ghost = document(newId()).withEtag("1");
        assertThatThrownBy(() -> store.update(ghost)).isInstanceOf(DocumentConcurrencyException.class);
    }

    @Test
    void concurrentCompareAndSetLetsEveryUpdateInOnce() throws Exception {
        String id = newId();
        store.create(document(id));
        int writers = 4;
        int perWriter = 10;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        AtomicInteger conflicts = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            futures.add(pool.submit(() -> {
                for (int i = 0; i < perWriter; i++) {
                    while (true) {
                        ObjectDocument current = store.get("Order", id).orElseThrow();
                        try {
                            store.update(current.withTag("w" + writer + "-" + i, "x"));
                            break;
                        } catch (DocumentConcurrencyException e) {
                            conflicts.incrementAndGet();
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();
        assertThat(store.get("Order", id).orElseThrow().tags()).hasSize(writers * perWriter);
    }

    @Test
    void deleteNeedsTheCurrentEtag() {
        String id = newId();
        ObjectDocument created = store.create(document(id));
        ObjectDocument updated = store.update(created.withTag("t", ""));
        assertThatThrownBy(() -> store.delete("Order", id, created.etag()))
                .isInstanceOf(DocumentConcurrencyException.class);
        store.delete("Order", id, updated.etag());
        assertThat(store.get("Order", id)).isEmpty();
    }

    @Test
    void pagesThroughTheIdsOfAnObjectNameInOrder() {
        String name = "Paged" + UUID.randomUUID().toString().replace("-", "").replaceAll("[0-9]", "x")
                .substring(0, 10);
        List<String> ids = new ArrayList<>();
        String base = newId();
        // ids that are prefixes of others: a store that lists names with a suffix (blob's ".json") orders them
        // otherwise than String does
        for (String id : List.of(newId(), base, base + "-b", base + ".b", base + "_b", newId(), newId())) {
            ids.add(id);
            store.create(ObjectDocument.create(name, id, new StreamPointer("paged-" + ids.size(), "main")));
        }
        store.create(ObjectDocument.create("Invoice", newId(), new StreamPointer("invoice-x", "main")));
        Collections.sort(ids);
        List<String> walked = new ArrayList<>();
        String after = null;
        while (true) {
            List<String> page = store.objectIds(name, after, 3);
            assertThat(page.size()).isLessThanOrEqualTo(3);
            walked.addAll(page);
            if (page.size() < 3) {
                break;
            }
            after = page.get(page.size() - 1);
        }
        assertThat(walked).containsExactlyElementsOf(ids);
        assertThat(store.objectIds(name, ids.get(6), 3)).isEmpty();
        assertThat(store.objectIds(name, null, 1)).containsExactly(ids.get(0));
    }

    @Test
    void listsTheIdsOfAnObjectName() {
        String a = newId();
        String b = newId();
        store.create(document(a));
        store.create(document(b));
        store.create(ObjectDocument.create("Invoice", a, new StreamPointer("invoice-" + a, "main")));
        assertThat(store.objectIds("Order")).contains(a, b);
        assertThat(store.objectIds("Invoice")).contains(a).doesNotContain(b);
        assertThat(store.objectNames()).contains("Order", "Invoice").doesNotHaveDuplicates();
    }

    @Test
    void badKeysAreTypedErrors() {
        assertThatThrownBy(() -> store.get("Order", "no spaces")).isInstanceOf(InvalidIdentifierException.class)
                .hasMessageContaining("no spaces");
        assertThatThrownBy(() -> store.get("", "1")).isInstanceOf(InvalidIdentifierException.class)
                .hasMessageContaining("objectName");
    }
}
