package dev.es.engine.store.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.AppendResult;
import dev.es.engine.store.EventStreamClosedException;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.StaleFencingTokenException;
import dev.es.engine.store.WrongExpectedVersionException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

/**
 * The tail each {@link BlobEventStore} keeps per stream (design section 10, "Blob appends and holds"): a second
 * consecutive append by one client is one request, and what another client (another process: its own HTTP client)
 * did meanwhile is still seen: its appends, its chunk roll-overs, its fences, its close, its delete.
 */
@Timeout(120)
class BlobTailCacheTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    /** Every HTTP request the counting client sends: method, query and range. */
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private BlobContainerClient counted;
    private BlobContainerClient other;

    @BeforeEach
    void containers() {
        String name = AZURITE.newContainer().getBlobContainerName();
        HttpPipelinePolicy counter = new HttpPipelinePolicy() {
            @Override
            public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
                var request = context.getHttpRequest();
                String range = request.getHeaders().getValue(HttpHeaderName.fromString("x-ms-range"));
                requests.add(request.getHttpMethod() + " " + request.getUrl().getQuery()
                        + (range == null ? "" : " range=" + range));
                return next.process();
            }

            @Override
            public HttpPipelinePosition getPipelinePosition() {
                return HttpPipelinePosition.PER_RETRY; // every request sent, retries included
            }
        };
        BlobServiceClient counting = new BlobServiceClientBuilder().connectionString(AZURITE.connectionString())
                .addPolicy(counter).buildClient();
        counted = counting.getBlobContainerClient(name);
        other = AZURITE.newClient().getBlobContainerClient(name);
    }

    private static BlobEventStore store(BlobContainerClient container, int chunkSize) {
        return new BlobEventStore(container, "blob", "events/blob", chunkSize, Clock.systemUTC());
    }

    private static String newStreamId() {
        return "tail-" + UUID.randomUUID();
    }

    private static EventData event(int n) {
        return new EventData("ev-" + n, "Thing", 1, "{\"n\":" + n + "}", Map.of("n", String.valueOf(n)));
    }

    private static List<EventData> events(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(BlobTailCacheTest::event).toList();
    }

    /** The requests made by {@code action} through the counting client. */
    private List<String> requestsOf(Runnable action) {
        requests.clear();
        action.run();
        List<String> made = List.copyOf(requests);
        System.out.println("requests: " + made.size() + " " + made);
        return made;
    }

    private static List<String> appendBlocks(List<String> requests) {
        return requests.stream().filter(r -> r.contains("comp=appendblock")).toList();
    }

    private void assertWholeStream(String id, long version, List<EventData> expected) {
        BlobEventStore fresh = store(AZURITE.newClient().getBlobContainerClient(counted.getBlobContainerName()), 3);
        List<StoredEvent> all = fresh.read(id, 1, 10_000);
        assertThat(fresh.version(id)).isEqualTo(version);
        assertThat(all).extracting(StoredEvent::version)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, version).boxed().toList());
        assertThat(all).extracting(StoredEvent::eventId)
                .containsExactlyElementsOf(expected.stream().map(EventData::eventId).toList());
    }

    @Test
    void aSecondConsecutiveExactAppendIsOneRequest() {
        BlobEventStore one = store(counted, 1000);
        String id = newStreamId();
        List<String> first = requestsOf(() -> one.append(id, ExpectedVersion.noStream(), events(0, 2)));
        assertThat(first).hasSizeLessThanOrEqualTo(3); // listing, create, append

        List<String> second = requestsOf(() -> one.append(id, ExpectedVersion.exactly(2), events(2, 1)));

        assertThat(second).hasSize(1);
        assertThat(appendBlocks(second)).hasSize(1);
        List<String> batch = requestsOf(() -> one.append(id, ExpectedVersion.exactly(3), events(3, 100)));
        assertThat(batch).hasSize(1);
        List<String> many = requestsOf(() -> {
            for (int v = 103; v < 123; v++) {
                one.append(id, ExpectedVersion.exactly(v), events(v, 1));
            }
        });
        assertThat(many).hasSize(20);
        List<String> fenced = requestsOf(() -> one.append(id, ExpectedVersion.exactly(123), events(123, 1), 0));
        assertThat(fenced).hasSize(1);
        assertThat(one.version(id)).isEqualTo(124);
    }

    @Test
    void anAnyAppendIsOneRequestOnceTheStreamsLastIdsAreKept() {
        BlobEventStore one = store(counted, 1000);
        String id = newStreamId();
        List<EventData> all = new ArrayList<>(events(0, 5));
        store(other, 1000).append(id, ExpectedVersion.noStream(), all);
        List<String> first = requestsOf(() -> one.append(id, ExpectedVersion.any(), events(5, 1)));
        all.addAll(events(5, 1));
        // a client new to the stream: listing, properties, trailer, the chunk's bytes (once), append
        assertThat(first).hasSizeLessThanOrEqualTo(5);

        List<String> second = requestsOf(() -> one.append(id, ExpectedVersion.any(), events(6, 2)));
        all.addAll(events(6, 2));

        assertThat(second).hasSize(1);
        assertThat(appendBlocks(second)).hasSize(1);
        List<String> many = requestsOf(() -> {
            for (int n = 8; n < 28; n++) {
                one.append(id, ExpectedVersion.any(), events(n, 1));
            }
        });
        all.addAll(events(8, 20));
        assertThat(many).hasSize(20);
        // a re-append of what this client appended is found in the kept ids, without an append
        List<String> again = requestsOf(() -> assertThat(one.append(id, ExpectedVersion.any(), all.subList(10, 12))
                .alreadyWritten()).isTrue());
        assertThat(appendBlocks(again)).isEmpty();
        assertWholeStream(id, 28, all);
    }

    @Test
    void whenAnotherClientAppendedAnAnyAppendReadsOnlyTheBytesAppendedSince() {
        BlobEventStore one = store(counted, 1000);
        BlobEventStore two = store(other, 1000);
        String id = newStreamId();
        List<EventData> all = new ArrayList<>(events(0, 3));
        one.append(id, ExpectedVersion.any(), all);
        one.append(id, ExpectedVersion.any(), events(3, 1));
        all.addAll(events(3, 1));
        List<EventData> theirs = events(100, 3);
        two.append(id, ExpectedVersion.any(), theirs);
        all.addAll(theirs);

        List<String> moved = requestsOf(() -> assertThat(one.append(id, ExpectedVersion.any(), events(4, 1))
                .newVersion()).isEqualTo(8));
        all.addAll(events(4, 1));

        // the append that failed on the ETag, the properties, the trailer, the new bytes only, the append
        assertThat(moved).hasSizeLessThanOrEqualTo(5);
        assertThat(moved.stream().filter(r -> r.startsWith("GET"))).allSatisfy(r -> {
            assertThat(r).contains("range=");
            assertThat(r).doesNotContain("range=bytes=0-");
        });
        // the other client's batch is found among the kept ids; the answer is confirmed on the chunk's properties
        List<String> retry = requestsOf(() -> assertThat(one.append(id, ExpectedVersion.any(), theirs)
                .alreadyWritten()).isTrue());
        assertThat(retry).hasSize(1).allSatisfy(r -> assertThat(r).startsWith("HEAD"));
        assertWholeStream(id, 8, all);
    }

    @Test
    void anotherClientAppendingBetweenTwoAppendsIsSeen() {
        BlobEventStore one = store(counted, 1000);
        BlobEventStore two = store(other, 1000);
        String id = newStreamId();
        List<EventData> all = new ArrayList<>(events(0, 2));
        one.append(id, ExpectedVersion.noStream(), all);
        List<EventData> theirs = events(100, 1);
        two.append(id, ExpectedVersion.exactly(2), theirs);
        all.addAll(theirs);

        assertThatThrownBy(() -> one.append(id, ExpectedVersion.exactly(2), events(2, 1)))
                .isInstanceOfSatisfying(WrongExpectedVersionException.class,
                        e -> assertThat(e.getMessage()).contains("3"));
        // their batch, re-appended on the version it was appended on, is recognised
        assertThat(one.append(id, ExpectedVersion.exactly(2), theirs).alreadyWritten()).isTrue();
        AppendResult mine = one.append(id, ExpectedVersion.exactly(3), events(2, 1));
        all.addAll(events(2, 1));
        assertThat(mine.previousVersion()).isEqualTo(3);
        assertThat(mine.newVersion()).isEqualTo(4);
        // and the other way round: the other client's kept tail is behind now
        assertThatThrownBy(() -> two.append(id, ExpectedVersion.exactly(3), events(101, 1)))
                .isInstanceOf(WrongExpectedVersionException.class);
        assertThat(two.append(id, ExpectedVersion.any(), events(101, 2)).newVersion()).isEqualTo(6);
        all.addAll(events(101, 2));
        assertThat(one.append(id, ExpectedVersion.any(), events(3, 1)).newVersion()).isEqualTo(7);
        all.addAll(events(3, 1));
        assertWholeStream(id, 7, all);
    }

    @Test
    void anotherClientRollingTheChunkOverIsSeen() {
        BlobEventStore one = store(counted, 3);
        BlobEventStore two = store(other, 3);
        String id = newStreamId();
        List<EventData> all = new ArrayList<>(events(0, 2));
        one.append(id, ExpectedVersion.noStream(), all); // chunk 0: 2 of 3, kept as not full
        two.append(id, ExpectedVersion.exactly(2), events(100, 2)); // fills chunk 0 (4 events)
        two.append(id, ExpectedVersion.exactly(4), events(102, 1)); // starts chunk 1
        all.addAll(events(100, 3));

        assertThatThrownBy(() -> one.append(id, ExpectedVersion.exactly(2), events(2, 1)))
                .isInstanceOf(WrongExpectedVersionException.class);
        assertThat(one.append(id, ExpectedVersion.exactly(5), events(2, 1)).newVersion()).isEqualTo(6);
        all.addAll(events(2, 1));
        assertThat(Blobs.names(counted, "events/blob/" + id + "/")).hasSize(2);

        // this client's kept tail is a full chunk; the other client starts the next one first
        assertThat(one.append(id, ExpectedVersion.exactly(6), events(3, 1)).newVersion()).isEqualTo(7); // full
        all.addAll(events(3, 1));
        two.append(id, ExpectedVersion.exactly(7), events(103, 1)); // starts chunk 2
        all.addAll(events(103, 1));
        assertThatThrownBy(() -> one.append(id, ExpectedVersion.exactly(7), events(4, 1)))
                .isInstanceOf(WrongExpectedVersionException.class);
        assertThat(one.append(id, ExpectedVersion.exactly(8), events(4, 1)).newVersion()).isEqualTo(9);
        all.addAll(events(4, 1));
        assertThat(Blobs.names(counted, "events/blob/" + id + "/")).hasSize(3);
        assertWholeStream(id, 9, all);
    }

    @Test
    void anyAppendsFollowTheOtherClientsRollOversWithTheirIds() {
        BlobEventStore one = store(counted, 3);
        BlobEventStore two = store(other, 3);
        String id = newStreamId();
        List<EventData> all = new ArrayList<>(events(0, 2));
        one.append(id, ExpectedVersion.any(), all);
        // one roll-over: the kept ids move on through the rest of chunk 0 and the start of chunk 1
        List<EventData> theirs = events(100, 2);
        two.append(id, ExpectedVersion.any(), events(200, 1));
        two.append(id, ExpectedVersion.any(), theirs);
        all.addAll(events(200, 1));
        all.addAll(theirs);
        assertThat(Blobs.names(counted, "events/blob/" + id + "/")).hasSize(2);
        assertThat(one.append(id, ExpectedVersion.any(), theirs).alreadyWritten()).isTrue();
        assertThat(one.append(id, ExpectedVersion.any(), events(2, 1)).newVersion()).isEqualTo(6);
        all.addAll(events(2, 1));

        // several roll-overs: the ids are read again from the last chunks
        List<EventData> last = null;
        for (int n = 300; n < 310; n += 2) {
            last = events(n, 2);
            two.append(id, ExpectedVersion.any(), last);
            all.addAll(last);
        }
        assertThat(one.append(id, ExpectedVersion.any(), last).alreadyWritten()).isTrue();
        assertThat(one.append(id, ExpectedVersion.any(), events(3, 1)).newVersion()).isEqualTo(17);
        all.addAll(events(3, 1));
        assertWholeStream(id, 17, all);
    }

    @Test
    void aFenceRaisedByAnotherClientIsHonouredByACachedAppend() {
        BlobEventStore one = store(counted, 1000);
        BlobEventStore two = store(other, 1000);
        String id = newStreamId();
        one.append(id, ExpectedVersion.noStream(), events(0, 1), 1);
        one.append(id, ExpectedVersion.exactly(1), events(1, 1), 1);
        two.raiseFence(id, 2);

        assertThatThrownBy(() -> one.append(id, ExpectedVersion.exactly(2), events(2, 1), 1))
                .isInstanceOfSatisfying(StaleFencingTokenException.class,
                        e -> assertThat(e.currentFence()).isEqualTo(2));
        assertThatThrownBy(() -> one.append(id, ExpectedVersion.any(), events(2, 1), 1))
                .isInstanceOf(StaleFencingTokenException.class);
        assertThat(one.version(id)).isEqualTo(2);
        assertThat(one.append(id, ExpectedVersion.exactly(2), events(2, 1), 2).newVersion()).isEqualTo(3);
        assertThat(one.append(id, ExpectedVersion.exactly(3), events(3, 1)).newVersion()).isEqualTo(4);
    }

    @Test
    void aFenceRaisedByAnotherClientOnAFullChunkIsHonouredByACachedAppend() {
        BlobEventStore one = store(counted, 2);
        BlobEventStore two = store(other, 2);
        String id = newStreamId();
        one.append(id, ExpectedVersion.noStream(), events(0, 2), 1); // chunk 0 full, kept so
        two.raiseFence(id, 3); // starts chunk 1 with the new fence

        assertThatThrownBy(() -> one.append(id, ExpectedVersion.exactly(2), events(2, 1), 1))
                .isInstanceOf(StaleFencingTokenException.class);
        assertThat(one.append(id, ExpectedVersion.exactly(2), events(2, 1), 3).newVersion()).isEqualTo(3);
        assertThat(Blobs.names(counted, "events/blob/" + id + "/")).hasSize(2);
    }

    @Test
    void aCloseByAnotherClientIsSeenByACachedAppend() {
        BlobEventStore one = store(counted, 1000);
        BlobEventStore two = store(other, 1000);
        String id = newStreamId();
        one.append(id, ExpectedVersion.noStream(), events(0, 2));
        EventData close = new CloseEvent("next", "elsewhere", "test", null, 2, 0, Instant.now()).toEventData();
        two.append(id, ExpectedVersion.exactly(2), List.of(close));

        assertThatThrownBy(() -> one.append(id, ExpectedVersion.exactly(2), events(2, 1)))
                .isInstanceOfSatisfying(EventStreamClosedException.class,
                        e -> assertThat(e.getMessage()).contains("next"));
        assertThatThrownBy(() -> one.append(id, ExpectedVersion.any(), events(2, 1)))
                .isInstanceOf(EventStreamClosedException.class);
        assertThat(one.append(id, ExpectedVersion.exactly(2), List.of(close)).alreadyWritten()).isTrue();
    }

    @Test
    void aStreamDeletedAndWrittenAgainByAnotherClientIsSeen() {
        BlobEventStore one = store(counted, 3);
        BlobEventStore two = store(other, 3);
        String id = newStreamId();
        one.append(id, ExpectedVersion.any(), events(0, 5)); // chunk 0 overshoots to 5
        one.append(id, ExpectedVersion.any(), events(5, 2)); // chunk 1
        two.delete(id);
        List<EventData> all = new ArrayList<>(events(100, 2));
        two.append(id, ExpectedVersion.noStream(), all);

        assertThatThrownBy(() -> one.append(id, ExpectedVersion.exactly(7), events(7, 1)))
                .isInstanceOf(WrongExpectedVersionException.class);
        assertThat(one.append(id, ExpectedVersion.exactly(2), events(7, 1)).newVersion()).isEqualTo(3);
        all.addAll(events(7, 1));
        assertThat(one.append(id, ExpectedVersion.any(), events(5, 2)).alreadyWritten()).isFalse(); // gone with it
        all.addAll(events(5, 2));
        assertWholeStream(id, 5, all);
    }
}
