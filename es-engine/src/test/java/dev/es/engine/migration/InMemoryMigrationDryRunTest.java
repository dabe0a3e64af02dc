package dev.es.engine.migration;

import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.document.TerminatedStream;
import dev.es.engine.lock.DistributedLock;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.lock.memory.InMemoryLockProvider;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.memory.InMemoryDocumentStore;
import dev.es.engine.store.memory.InMemoryEventStore;
import dev.es.engine.store.memory.InMemoryTagStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The dry run on the memory stores. What they keep is read through their API: every document, the events of every
 * stream a document names and of the streams a migration of it would write, the number of streams of each store,
 * the routing table, and how often the lock provider was asked for a lock (it records nothing else a reader could
 * compare).
 */
class InMemoryMigrationDryRunTest extends AbstractMigrationDryRunTest {

    private final AtomicInteger lockRequests = new AtomicInteger();

    @Override
    protected MigrationTestStores createStores() {
        InMemoryLockProvider locks = new InMemoryLockProvider();
        DistributedLockProvider counted = new DistributedLockProvider() {
            @Override
            public Optional<DistributedLock> tryAcquire(String key, Duration maxWait) {
                lockRequests.incrementAndGet();
                return locks.tryAcquire(key, maxWait);
            }

            @Override
            public boolean isLocked(String key) {
                return locks.isLocked(key);
            }
        };
        return new MigrationTestStores(new InMemoryEventStore("main"), new InMemoryEventStore("other"),
                new InMemoryDocumentStore(), new InMemoryTagStore(), counted, new InMemoryMigrationRoutingTable());
    }

    @Override
    protected Object storedState() {
        List<Object> state = new ArrayList<>();
        TreeSet<String> streamIds = new TreeSet<>();
        for (String name : stores.documents().objectNames()) {
            for (String id : stores.documents().objectIds(name)) {
                ObjectDocument document = stores.documents().get(name, id).orElseThrow();
                state.add(document);
                streamIds.add(document.active().streamId());
                document.terminatedStreams().stream().map(TerminatedStream::streamId).forEach(streamIds::add);
                String base = "order-" + id;
                streamIds.add(base);
                for (int v = 2; v <= 4; v++) {
                    streamIds.add(base + "-v" + v);
                }
            }
        }
        for (EventStore store : List.of(stores.main(), stores.other())) {
            state.add(store.name() + " holds " + ((InMemoryEventStore) store).streamCount() + " stream(s)");
            for (String streamId : streamIds) {
                state.add(new StreamPointer(streamId, store.name()) + " " + store.read(streamId, 1, 10_000));
            }
        }
        state.add(stores.routing().all());
        state.add(lockRequests.get() + " lock request(s)");
        return state;
    }
}
