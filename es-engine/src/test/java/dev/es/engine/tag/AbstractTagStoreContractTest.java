package dev.es.engine.tag;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.document.StreamPointer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link TagStore} must do: index document and stream tags, idempotently and under concurrency. */
public abstract class AbstractTagStoreContractTest {

    protected abstract TagStore createStore();

    protected TagStore store;

    @BeforeEach
    void makeStore() {
        store = createStore();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void documentTagsAreQueriedByObjectName() {
        String tag = unique("vip");
        store.tagDocument("Order", "1", tag);
        store.tagDocument("Order", "2", tag);
        store.tagDocument("Order", "2", tag);
        store.tagDocument("Invoice", "1", tag);

        assertThat(store.documentsWithTag("Order", tag)).containsExactlyInAnyOrder("1", "2");
        assertThat(store.documentsWithTag("Invoice", tag)).containsExactly("1");
        assertThat(store.tagsOfDocument("Order", "2")).contains(tag);

        store.untagDocument("Order", "1", tag);
        assertThat(store.documentsWithTag("Order", tag)).containsExactly("2");
        assertThat(store.documentsWithTag("Order", unique("none"))).isEmpty();
    }

    @Test
    void streamTagsAreQueriedAcrossStores() {
        String tag = unique("archived");
        StreamPointer a = new StreamPointer(unique("s"), "main");
        StreamPointer b = new StreamPointer(unique("s"), "other");
        store.tagStream(a, tag);
        store.tagStream(b, tag);
        assertThat(store.streamsWithTag(tag)).containsExactlyInAnyOrder(a, b);
        assertThat(store.tagsOfStream(a)).containsExactly(tag);
        store.untagStream(a, tag);
        assertThat(store.streamsWithTag(tag)).containsExactly(b);
    }

    @Test
    void concurrentTaggersLoseNothing() throws Exception {
        String tag = unique("bulk");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                for (int i = 0; i < 10; i++) {
                    store.tagDocument("Order", thread + "-" + i, tag);
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();
        assertThat(store.documentsWithTag("Order", tag)).hasSize(40);
    }
}
