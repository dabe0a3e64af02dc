package dev.es.engine.backup;

import dev.es.engine.document.DocumentStore;
import dev.es.engine.document.ObjectDocument;
import dev.es.engine.tag.TagStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bulk backup: {@code maxConcurrency} workers take the selection's objects one at a time from a shared cursor, so
 * that neither the documents nor the work queue are ever held whole, and each backs its object up.
 */
final class BulkBackup {

    private static final Logger log = LoggerFactory.getLogger(BulkBackup.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    /** Runs each worker on a daemon thread of its own. */
    static final Executor OWN_THREADS = task -> {
        Thread thread = new Thread(task, "es-backup-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
    };

    private final BackupRestoreService service;
    private final DocumentStore documents;
    private final TagStore tags;
    private final Executor executor;
    private final Clock clock;

    BulkBackup(BackupRestoreService service, DocumentStore documents, TagStore tags, Executor executor, Clock clock) {
        this.service = service;
        this.documents = documents;
        this.tags = tags;
        this.executor = executor;
        this.clock = clock;
    }

    /** An object of the selection. */
    private record Key(String objectName, String objectId) {
    }

    BulkBackupResult run(BackupSelection selection, BulkBackupOptions options) {
        long start = System.nanoTime();
        Cursor cursor = cursor(selection);
        List<BackupOutcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        AtomicLong events = new AtomicLong();
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(options.maxConcurrency());
        Runnable worker = () -> {
            try {
                Key key;
                while (!stop.get() && (key = cursor.next()) != null) {
                    try {
                        BackupDescriptor backup = service.backup(key.objectName(), key.objectId(), options.backup());
                        outcomes.add(new BackupOutcome(key.objectName(), key.objectId(), backup, null));
                        events.addAndGet(backup.eventCount());
                        done.incrementAndGet();
                    } catch (RuntimeException e) {
                        log.warn("Backup of {}/{} failed: {}", key.objectName(), key.objectId(), e.toString());
                        outcomes.add(new BackupOutcome(key.objectName(), key.objectId(), null, e));
                        failed.incrementAndGet();
                        if (!options.continueOnError()) {
                            stop.set(true);
                        }
                    }
                    report(options, cursor, done.get(), failed.get(), events.get(), start);
                }
            } catch (RuntimeException e) {
                // the selection itself failed (a store could not list): nothing more can be handed out
                log.error("Bulk backup stopped: the selection could not be read: {}", e.toString());
                outcomes.add(new BackupOutcome("", "", null, e));
                stop.set(true);
            } finally {
                finished.countDown();
            }
        };
        int started = 0;
        try {
            for (; started < options.maxConcurrency(); started++) {
                executor.execute(worker);
            }
        } finally {
            for (int i = started; i < options.maxConcurrency(); i++) {
                finished.countDown();
            }
        }
        try {
            finished.await();
        } catch (InterruptedException e) {
            stop.set(true);
            Thread.currentThread().interrupt();
            throw new BackupException(null, "Interrupted while waiting for a bulk backup; it stops after the"
                    + " objects in progress");
        }
        boolean stopped = stop.get() && cursor.hasMore();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        log.info("Bulk backup finished in {} ms: {} backed up, {} failed{}", took.toMillis(), done.get(),
                failed.get(), stopped ? ", stopped at the first failure" : "");
        return new BulkBackupResult(outcomes, events.get(), took, stopped);
    }

    private void report(BulkBackupOptions options, Cursor cursor, long done, long failed, long events, long start) {
        if (options.onProgress() == null) {
            return;
        }
        double seconds = Math.max((System.nanoTime() - start) / 1e9, 1e-9);
        Long total = cursor.size();
        Long remaining = total == null ? null : Math.max(0, total - done - failed);
        try {
            options.onProgress().accept(new BulkBackupProgress(done, failed, remaining, events, events / seconds));
        } catch (RuntimeException e) {
            log.warn("A bulk backup progress callback failed: {}", e.toString());
        }
    }

    /** The selection's objects, handed out one at a time to whichever worker asks. */
    private Cursor cursor(BackupSelection selection) {
        if (selection instanceof BackupSelection.Documents d) {
            return new Cursor(keys(d.documents()), size(d.documents()));
        }
        if (selection instanceof BackupSelection.ObjectName n) {
            List<String> ids = documents.objectIds(n.objectName());
            return new Cursor(ids.stream().map(id -> new Key(n.objectName(), id)).iterator(), (long) ids.size());
        }
        if (selection instanceof BackupSelection.Tag t) {
            Collection<String> ids = tags.documentsWithTag(t.objectName(), t.tag());
            return new Cursor(ids.stream().map(id -> new Key(t.objectName(), id)).iterator(), (long) ids.size());
        }
        return new Cursor(inStore(((BackupSelection.Store) selection).store()), null);
    }

    private static Iterator<Key> keys(Iterable<ObjectDocument> docs) {
        Iterator<ObjectDocument> it = docs.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Key next() {
                ObjectDocument doc = it.next();
                return new Key(doc.objectName(), doc.objectId());
            }
        };
    }

    private static @Nullable Long size(Iterable<?> items) {
        return items instanceof Collection<?> c ? (long) c.size() : null;
    }

    /** Every document whose active stream lives in {@code store}: object name by object name, id by id. */
    private Iterator<Key> inStore(String store) {
        Iterator<String> names = documents.objectNames().iterator();
        return new Iterator<>() {
            private Iterator<String> ids = Collections.emptyIterator();
            private String name = "";
            private @Nullable Key next;

            @Override
            public boolean hasNext() {
                while (next == null) {
                    while (!ids.hasNext()) {
                        if (!names.hasNext()) {
                            return false;
                        }
                        name = names.next();
                        ids = documents.objectIds(name).iterator();
                    }
                    String id = ids.next();
                    Optional<ObjectDocument> doc = documents.get(name, id);
                    if (doc.isPresent() && doc.get().active().store().equals(store)) {
                        next = new Key(name, id);
                    }
                }
                return true;
            }

            @Override
            public Key next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Key key = next;
                next = null;
                return key;
            }
        };
    }

    /** A thread-safe cursor over the selection's keys. */
    private static final class Cursor {
        private final Iterator<Key> keys;
        private final @Nullable Long size;

        Cursor(Iterator<Key> keys, @Nullable Long size) {
            this.keys = keys;
            this.size = size;
        }

        synchronized @Nullable Key next() {
            return keys.hasNext() ? keys.next() : null;
        }

        synchronized boolean hasMore() {
            return keys.hasNext();
        }

        @Nullable Long size() {
            return size;
        }
    }
}
