package dev.es.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.engine.InvalidIdentifierException;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.event.InvalidEventException;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.AbstractEventStoreContractTest;
import dev.es.engine.store.AppendResult;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.memory.InMemoryEventStore;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A store written outside es, as a user would write one: it implements only the abstract methods of
 * {@link EventStore} and {@link dev.es.engine.store.EventStoreAdmin} (no fences, no writer holds, as a store
 * written before those existed; its appends reach it with their arguments checked) and runs es's event
 * store contract suite from this artifact; the suite's fencing and hold tests check that it declines them cleanly,
 * and what the SPI's defaults then do is spelled out here.
 */
class ThirdPartyEventStoreContractTest extends AbstractEventStoreContractTest {

    private final EventStore plain = new ThirdPartyStore();

    /** A store of someone else's: the required methods only, kept in memory. */
    private static class ThirdPartyStore implements EventStore {

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
        public AppendResult appendValidated(String streamId, ExpectedVersion expected, List<EventData> events,
                                            long fencingToken) {
            return storage.appendValidated(streamId, expected, events, fencingToken);
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

    @Test
    void theSpiChecksTheArgumentsBeforeTheStoreSeesThem() {
        AtomicInteger seen = new AtomicInteger();
        EventStore counting = new ThirdPartyStore() {
            @Override
            public AppendResult appendValidated(String streamId, ExpectedVersion expected, List<EventData> events,
                                                long fencingToken) {
                seen.incrementAndGet();
                return super.appendValidated(streamId, expected, events, fencingToken);
            }
        };
        EventData close = new CloseEvent("s-1-v2", "other", "test", null, 1, 0,
                Instant.now()).toEventData();

        assertThatThrownBy(() -> counting.append("s-1", ExpectedVersion.any(), List.of()))
                .isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> counting.append("s-1", ExpectedVersion.any(), List.of(close, EventData.of("A", "{}"))))
                .isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> counting.append("bad id!", ExpectedVersion.any(), List.of(EventData.of("A", "{}"))))
                .isInstanceOf(InvalidIdentifierException.class);
        assertThatThrownBy(() -> counting.append("s-1", ExpectedVersion.any(), List.of(EventData.of("A", "{}")), -5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(seen).hasValue(0);

        counting.append("s-1", ExpectedVersion.noStream(), List.of(EventData.of("A", "{}")));
        assertThat(seen).hasValue(1);
    }

    @Test
    void aStoreWithoutFencingSaysSoAndRefusesToRaiseAFence() {
        assertThat(plain.supportsFencing()).isFalse();
        assertThatThrownBy(() -> plain.raiseFence("s-1", 3))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("third-party")
                .hasMessageContaining("fencing");
    }

    @Test
    void aFencedAppendOnAStoreWithoutFencingIsAPlainAppend() {
        AppendResult result = plain.append("s-1", ExpectedVersion.noStream(), List.of(EventData.of("A", "{}")), 7);
        assertThat(result.newVersion()).isEqualTo(1);
        assertThat(plain.version("s-1")).isEqualTo(1);
    }

    @Test
    void aNegativeFencingTokenIsRefused() {
        EventStore memory = new InMemoryEventStore("memory");
        assertThatThrownBy(() -> memory.raiseFence("s-1", -2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> memory.append("s-1", ExpectedVersion.any(), List.of(EventData.of("A", "{}")), -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(memory.version("s-1")).isZero();
    }
}
