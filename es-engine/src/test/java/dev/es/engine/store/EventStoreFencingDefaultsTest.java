package dev.es.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.memory.InMemoryEventStore;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A store that implements only the abstract methods of {@link EventStore}, as a third-party store written before
 * fencing and writer holds would: it passes the whole contract suite, whose fencing and hold tests check that it
 * declines them cleanly, and what it does with the fencing methods is spelled out here.
 */
class EventStoreFencingDefaultsTest extends AbstractEventStoreContractTest {

    private final EventStore plain = plainStore();

    @Override
    protected EventStore createStore() {
        return plainStore();
    }

    @Override
    protected boolean keepsFences() {
        return false;
    }

    @Override
    protected boolean holdsWriters() {
        return false;
    }

    private static EventStore plainStore() {
        return new EventStore() {
            private final EventStore delegate = new InMemoryEventStore("plain");

            @Override
            public String name() {
                return delegate.name();
            }

            @Override
            public List<StoredEvent> read(String streamId, long fromVersion, int maxCount) {
                return delegate.read(streamId, fromVersion, maxCount);
            }

            @Override
            public long version(String streamId) {
                return delegate.version(streamId);
            }

            @Override
            public AppendResult append(String streamId, ExpectedVersion expected, List<EventData> events) {
                return delegate.append(streamId, expected, events);
            }

            @Override
            public void delete(String streamId) {
                delegate.delete(streamId);
            }
        };
    }

    @Test
    void aStoreWithoutFencingSaysSoAndRefusesToRaiseAFence() {
        assertThat(plain.supportsFencing()).isFalse();
        assertThatThrownBy(() -> plain.raiseFence("s-1", 3))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("plain")
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
