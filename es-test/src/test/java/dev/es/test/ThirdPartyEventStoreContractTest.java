package dev.es.test;

import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.AbstractEventStoreContractTest;
import dev.es.engine.store.AppendResult;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.memory.InMemoryEventStore;
import java.util.List;

/**
 * A store written outside es, as a user would: it implements only what the SPI requires (no fences, no writer
 * holds) and runs es's event store contract suite from this artifact.
 */
class ThirdPartyEventStoreContractTest extends AbstractEventStoreContractTest {

    /** A store of someone else's: the required methods only, kept in memory. */
    private static final class ThirdPartyStore implements EventStore {

        private final InMemoryEventStore storage = new InMemoryEventStore("third-party");

        @Override
        public String name() {
            return "third-party";
        }

        @Override
        public List<StoredEvent> read(String streamId, long fromVersion, int maxCount) {
            return storage.read(streamId, fromVersion, maxCount);
        }

        @Override
        public long version(String streamId) {
            return storage.version(streamId);
        }

        @Override
        public AppendResult append(String streamId, ExpectedVersion expected, List<EventData> events) {
            return storage.append(streamId, expected, events);
        }

        @Override
        public void delete(String streamId) {
            storage.delete(streamId);
        }
    }

    @Override
    protected EventStore createStore() {
        return new ThirdPartyStore();
    }

    @Override
    protected boolean keepsFences() {
        return false;
    }

    @Override
    protected boolean holdsWriters() {
        return false;
    }
}
