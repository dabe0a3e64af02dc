package dev.es.engine.backup;

import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.EventStore;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A stream's events up to a version, read page by page, the next page on a thread of its own while the caller
 * encodes the current one: a backup then takes about as long as the read alone, not the read plus the encoding. At
 * most {@value #PAGES_AHEAD} pages wait, so memory stays bounded whatever the stream's length. A stream that fits in
 * its first page starts no thread.
 */
final class ReadAhead implements AutoCloseable {

    static final int PAGES_AHEAD = 2;
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final List<StoredEvent> END = List.of();

    private final EventStore store;
    private final String streamId;
    private final long upTo;
    private final int pageSize;
    private @Nullable List<StoredEvent> first;
    private @Nullable BlockingQueue<Object> ahead;
    private @Nullable Thread reader;
    private volatile boolean closed;

    /** Reads {@code streamId} from version 1 up to {@code upTo}, in pages of {@code pageSize}. */
    ReadAhead(EventStore store, String streamId, long upTo, int pageSize) {
        this.store = store;
        this.streamId = streamId;
        this.upTo = upTo;
        this.pageSize = pageSize;
        this.first = upTo < 1 ? END : page(1);
    }

    /** The next page, empty at the end. */
    List<StoredEvent> next() throws InterruptedException {
        if (first != null) {
            List<StoredEvent> page = first;
            first = null;
            if (!page.isEmpty() && page.get(page.size() - 1).version() < upTo) {
                startReading(page.get(page.size() - 1).version() + 1);
            }
            return page;
        }
        if (ahead == null) {
            return END;
        }
        Object item = ahead.take();
        if (item instanceof RuntimeException e) {
            throw e;
        }
        if (item instanceof Error e) {
            throw e;
        }
        @SuppressWarnings("unchecked")
        List<StoredEvent> page = (List<StoredEvent>) item;
        if (page.isEmpty()) {
            ahead = null;
        }
        return page;
    }

    private List<StoredEvent> page(long from) {
        List<StoredEvent> page = store.read(streamId, from, (int) Math.min(pageSize, upTo - from + 1));
        int keep = page.size();
        while (keep > 0 && page.get(keep - 1).version() > upTo) {
            keep--;
        }
        return keep == page.size() ? page : page.subList(0, keep);
    }

    private void startReading(long from) {
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(PAGES_AHEAD);
        ahead = queue;
        Thread thread = new Thread(() -> {
            long next = from;
            try {
                while (!closed) {
                    List<StoredEvent> page = page(next);
                    queue.put(page);
                    if (page.isEmpty() || page.get(page.size() - 1).version() >= upTo) {
                        if (!page.isEmpty()) {
                            queue.put(END);
                        }
                        return;
                    }
                    next = page.get(page.size() - 1).version() + 1;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                try {
                    queue.put(e);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "es-backup-read-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        reader = thread;
        thread.start();
    }

    /** Stops the reader, if one runs. */
    @Override
    public void close() {
        closed = true;
        Thread thread = reader;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
