package dev.es.engine.store;

import dev.es.engine.event.StoredEvent;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** Reads a stream forward page by page, holding one page at a time. */
final class PagedReader implements Iterator<StoredEvent> {

    private final EventStore store;
    private final String streamId;
    private final int pageSize;
    private long next;
    private List<StoredEvent> page = List.of();
    private int index;
    private boolean exhausted;

    private PagedReader(EventStore store, String streamId, long fromVersion, int pageSize) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be 1 or more, was " + pageSize);
        }
        this.store = store;
        this.streamId = streamId;
        this.pageSize = pageSize;
        this.next = Math.max(1, fromVersion);
    }

    static Stream<StoredEvent> stream(EventStore store, String streamId, long fromVersion, int pageSize) {
        PagedReader reader = new PagedReader(store, streamId, fromVersion, pageSize);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(reader,
                Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    @Override
    public boolean hasNext() {
        if (index < page.size()) {
            return true;
        }
        if (exhausted) {
            return false;
        }
        page = store.read(streamId, next, pageSize);
        index = 0;
        if (page.size() < pageSize) {
            exhausted = true;
        }
        if (!page.isEmpty()) {
            next = page.get(page.size() - 1).version() + 1;
        }
        return !page.isEmpty();
    }

    @Override
    public StoredEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return page.get(index++);
    }
}
