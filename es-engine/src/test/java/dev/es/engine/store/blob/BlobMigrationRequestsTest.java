package dev.es.engine.store.blob;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.es.engine.event.EventData;
import dev.es.engine.lock.blob.BlobLeaseLockProvider;
import dev.es.engine.migration.DefaultEventStreamMigrationService;
import dev.es.engine.migration.MigrationResult;
import dev.es.engine.migration.MigrationStatus;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.memory.InMemoryEventStore;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

/**
 * What a migration costs besides its copy, in requests to Azure Blob Storage (issue 10: on blob metadata that fixed
 * cost is most of a small migration's time). A migration of a one-event object from the memory store to a blob
 * store, with its document, lock and routing entry in the same container, counted at the HTTP pipeline: the
 * document is read once at the launch and once when the protocol starts (the cutover compare-and-sets that read);
 * a first lock creates its lock blob before it asks for the lease and does not read it back; a new routing entry is
 * indexed by its object and written without reading it first; the launch lists the object's index, not the table;
 * the copy starts on the target its fence was raised on, found empty, without reading it again.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BlobMigrationRequestsTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    /** Every request as "METHOD path?query", path decoded, while counting is on. */
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile boolean counting;

    private EventStreams streams;
    private DefaultEventStreamMigrationService migrations;

    /**
     * Stores, documents, lock and routing table in one new container; then a migration of another object, so that
     * what a new table instance does once (checking its index) is behind.
     */
    @BeforeEach
    void migratedOneObjectAlready() {
        BlobContainerClient container = recordedContainer();
        streams = new EventStreams(EventStoreRegistry.of(new InMemoryEventStore("main"),
                new BlobEventStore(container, "other")), new BlobDocumentStore(container), new BlobTagStore(container),
                EventStreamSettings.defaults(), "main");
        migrations = new DefaultEventStreamMigrationService(streams, new BlobLeaseLockProvider(container),
                new BlobMigrationRoutingTable(container));
        streams.open("Order", "41").append(EventData.of("OrderPlaced", "{\"total\":41}"));
        assertThat(migrations.forDocument("Order", "41").withTargetStore("other").execute().status())
                .isEqualTo(MigrationStatus.COMPLETED);
    }

    @AfterEach
    void close() {
        migrations.close();
    }

    @Test
    void aOneEventMigrationOnBlobMetadataMakesSixteenRequests() {
        streams.open("Order", "42").append(EventData.of("OrderPlaced", "{\"total\":42}"));

        counting = true;
        MigrationResult result = migrations.forDocument("Order", "42").withTargetStore("other").execute();
        counting = false;

        assertThat(result.status()).isEqualTo(MigrationStatus.COMPLETED);
        assertThat(count(r -> r.startsWith("GET ") && r.contains("/documents/Order/42.json")))
                .as("document reads: launch, protocol (the cutover updates what it read); in %s", requests)
                .isEqualTo(2);
        assertThat(count(r -> r.contains("/locks/")))
                .as("a first lock: create with the token, lease, release; in %s", requests).isEqualTo(3);
        assertThat(count(r -> r.startsWith("HEAD ") && r.contains("/locks/")))
                .as("the lock blob just created is not read back; in %s", requests).isZero();
        assertThat(count(r -> r.startsWith("GET ") && r.contains("/migrations/" + result.migrationId())))
                .as("the entry of a migration id made by this launch is not read: nothing can be there; in %s",
                        requests).isZero();
        assertThat(count(r -> r.startsWith("HEAD ") && r.contains("/events/other/")))
                .as("the target the fence was raised on empty is not read again; in %s", requests).isZero();
        assertThat(count(r -> r.contains("comp=list&prefix=migrations/")))
                .as("the table is not listed; in %s", requests).isZero();
        assertThat(count(r -> r.contains("comp=list&prefix=migrations-index/")))
                .as("the object's index is listed once; in %s", requests).isEqualTo(1);
        assertThat(count(r -> r.startsWith("PUT ") && r.contains("/migrations-index/")))
                .as("the new entry is indexed once; in %s", requests).isEqualTo(1);
        assertThat(requests).as("all requests of the migration").hasSizeLessThanOrEqualTo(16);
    }

    @Test
    void aBulkRunLaunchesOnTheDocumentAndEntriesItHasJustRead() {
        streams.open("Invoice", "7").append(EventData.of("InvoiceSent", "{\"total\":7}"));

        counting = true;
        var result = migrations.forObjectName("Invoice").targetStore("other").execute();
        counting = false;

        assertThat(result.migrated()).isEqualTo(1);
        assertThat(count(r -> r.startsWith("GET ") && r.contains("/documents/Invoice/7.json")))
                .as("document reads: the walk, the bulk run's look before the launch, under the lock (the protocol"
                        + " starts from it); in %s", requests)
                .isEqualTo(3);
        assertThat(count(r -> r.contains("comp=list&prefix=migrations-index/")))
                .as("the object's index is listed once, by the bulk run; in %s", requests).isEqualTo(1);
    }

    /** A new container whose client records every request while {@link #counting}. */
    private BlobContainerClient recordedContainer() {
        HttpPipelinePolicy recorder = new HttpPipelinePolicy() {
            @Override
            public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
                if (counting) {
                    var url = context.getHttpRequest().getUrl();
                    requests.add(context.getHttpRequest().getHttpMethod() + " "
                            + URLDecoder.decode(url.getPath(), StandardCharsets.UTF_8) + "?" + url.getQuery());
                }
                return next.process();
            }

            @Override
            public HttpPipelinePosition getPipelinePosition() {
                return HttpPipelinePosition.PER_CALL;
            }
        };
        String name = AzuriteExtension.newContainerName();
        AZURITE.client().createBlobContainer(name);
        return new BlobServiceClientBuilder().connectionString(AZURITE.connectionString()).addPolicy(recorder)
                .buildClient().getBlobContainerClient(name);
    }

    private long count(Predicate<String> which) {
        return requests.stream().filter(which).count();
    }
}
