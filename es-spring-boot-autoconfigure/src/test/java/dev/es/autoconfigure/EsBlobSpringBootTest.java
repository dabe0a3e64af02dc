package dev.es.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import dev.es.engine.document.DocumentStore;
import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.lock.blob.BlobLeaseLockProvider;
import dev.es.engine.migration.EventStreamMigrationService;
import dev.es.engine.migration.MigrationHandle;
import dev.es.engine.migration.MigrationResult;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.blob.AzuriteExtension;
import dev.es.engine.store.blob.BlobEventStore;
import dev.es.engine.store.memory.InMemoryEventStore;
import dev.es.engine.stream.EventStream;
import dev.es.engine.stream.EventStreams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A whole application: {@code type: blob} from {@code application-blobtest.yml}, the {@link BlobServiceClient} built
 * by Spring Cloud Azure from {@code spring.cloud.azure.storage.blob.connection-string} (pointing at Azurite), and a
 * live migration of an object from the memory store to the blob store while a writer keeps appending.
 */
@SpringBootTest(classes = EsBlobSpringBootTest.App.class)
@ActiveProfiles("blobtest")
class EsBlobSpringBootTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    @DynamicPropertySource
    static void azurite(DynamicPropertyRegistry registry) {
        registry.add("spring.cloud.azure.storage.blob.connection-string", AZURITE::connectionString);
    }

    @SpringBootConfiguration
    // no database in this test; spring-boot-starter-jdbc is on the test classpath for the jdbc tests
    @EnableAutoConfiguration(excludeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
    static class App {
    }

    @Autowired
    private EventStreams streams;

    @Autowired
    private EventStreamMigrationService migrations;

    @Autowired
    private EventStoreRegistry stores;

    @Autowired
    private DocumentStore documents;

    @Autowired
    private DistributedLockProvider locks;

    @Autowired
    private BlobServiceClient blobServiceClient;

    @Test
    void blobStoreFromApplicationYamlTakesALiveMigrationFromMemory() throws Exception {
        assertThat(stores.get("hot")).isInstanceOf(InMemoryEventStore.class);
        BlobEventStore cold = (BlobEventStore) stores.get("cold");
        assertThat(cold.container().getBlobContainerName()).isEqualTo("es-boot-cold");
        assertThat(cold.chunkSize()).isEqualTo(25);
        assertThat(locks).isInstanceOf(BlobLeaseLockProvider.class);

        EventStream order = streams.open("Order", "42");
        for (int i = 0; i < 60; i++) {
            order.append(note("before-" + i));
        }
        assertThat(order.activeStream()).isEqualTo(new StreamPointer("order-42", "hot"));

        // a writer appends through the injected EventStreams while the migration copies and catches up
        List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
        List<Throwable> writerErrors = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch fiveWritten = new CountDownLatch(5);
        Thread writer = new Thread(() -> {
            EventStream stream = streams.open("Order", "42");
            try {
                for (int i = 0; !stop.get() && i < 10_000; i++) {
                    stream.append(note("during-" + i));
                    acknowledged.add("during-" + i);
                    fiveWritten.countDown();
                    Thread.sleep(10);
                }
            } catch (Throwable t) {
                writerErrors.add(t);
            }
        }, "order-writer");
        AtomicBoolean first = new AtomicBoolean(true);
        MigrationHandle handle = migrations.forDocument("Order", "42")
                .withTargetStore("cold")
                .withLiveMigration(o -> o.catchUpDelay(Duration.ofMillis(5)).onBeforeAppend(e -> {
                    if (first.getAndSet(false)) {
                        writer.start();
                        awaitLatch(fiveWritten);
                    }
                }))
                .start();
        MigrationResult result = handle.await(Duration.ofMinutes(2));
        int afterMigration = acknowledged.size();
        Awaitility.await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(5))
                .until(() -> acknowledged.size() >= afterMigration + 5 || !writerErrors.isEmpty() || !writer.isAlive());
        stop.set(true);
        writer.join(60_000);

        assertThat(result.isSuccess()).as("result %s", result).isTrue();
        assertThat(writerErrors).isEmpty();
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(10);

        ObjectDocument document = documents.get("Order", "42").orElseThrow();
        assertThat(document.active().store()).isEqualTo("cold");
        assertThat(stores.get("hot").lastEvent("order-42").isCloseEvent()).isTrue();

        List<String> expected = new ArrayList<>();
        IntStream.range(0, 60).forEach(i -> expected.add("before-" + i));
        expected.addAll(acknowledged);
        List<String> history;
        try (var all = streams.open("Order", "42").readAll()) {
            history = all.map(StoredEvent::payload).map(EsBlobSpringBootTest::text).toList();
        }
        assertThat(history).containsExactlyElementsOf(expected);

        // the history is really in Azurite: the blob store's chunks and the document blob
        BlobContainerClient container = blobServiceClient.getBlobContainerClient("es-boot-cold");
        assertThat(names(container, "events/cold/" + document.active().streamId() + "/")).isNotEmpty();
        assertThat(names(container, "documents/")).containsExactly("documents/Order/42.json");
        assertThat(cold.version(document.active().streamId())).isEqualTo(expected.size());
    }

    private static EventData note(String text) {
        return new EventData(null, "NoteAdded", 1, "{\"text\":\"" + text + "\"}", null);
    }

    private static String text(String payload) {
        return payload.substring("{\"text\":\"".length(), payload.length() - 2);
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the writer did not append 5 events in 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<String> names(BlobContainerClient container, String prefix) {
        return container.listBlobs(new ListBlobsOptions().setPrefix(prefix), null).stream()
                .map(BlobItem::getName).toList();
    }
}
