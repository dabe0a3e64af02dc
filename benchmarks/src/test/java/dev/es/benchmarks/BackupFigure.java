package dev.es.benchmarks;

import dev.es.benchmarks.Backends.Env;
import dev.es.benchmarks.Backends.Kind;
import dev.es.engine.backup.BackupDescriptor;
import dev.es.engine.backup.BackupOptions;
import dev.es.engine.backup.BackupRetention;
import dev.es.engine.backup.DefaultBackupRestoreService;
import dev.es.engine.backup.RestoreOptions;
import dev.es.engine.backup.RestoreResult;
import dev.es.engine.backup.file.FileBackupStorage;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.jdbc.JdbcConnections;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Figure 6: backup and restore throughput of one object whose stream holds {@code n} events, against a plain paged
 * read of the same stream ({@code EventStore.stream(streamId, 1, 1000)}, every event consumed). Per round: the plain
 * read and the backup (to a {@link FileBackupStorage} in a temporary directory, the default options: compressed),
 * in alternating order, then a restore of that backup into a fresh stream of the same store
 * ({@code RestoreOptions.inPlace().toStream(fresh).toStore(store)}); the restored stream and the backup are deleted
 * before the next round, so the store does not grow.
 */
final class BackupFigure {

    /** The page size of the plain read, the backup's own page size. */
    static final int PAGE_SIZE = 1000;
    private static final String OBJECT = "Order";

    /**
     * @param backup       backup events/s (A) against plain-read events/s (B), per round
     * @param restore      restore events/s (A) against the same rounds' plain-read events/s (B)
     * @param lineBytes    bytes per event of the backup's JSON lines before compression (what MB/s is counted in)
     * @param storedBytes  bytes per event the backup stored (compressed)
     * @param backupFixed  median seconds of a backup of an object of one event: what a backup costs besides the
     *                     events (document read, version, close check, part and manifest files, two fsyncs)
     * @param restoreFixed median seconds of a restore of that one-event backup
     */
    record Result(Paired backup, Paired restore, double lineBytes, double storedBytes, double backupFixed,
                  double restoreFixed) {
    }

    private final Backends backends;
    private final JdbcConnections connections;

    BackupFigure(Backends backends) {
        this.backends = backends;
        this.connections = backends.db.connections();
    }

    Result run(Kind kind, int n, int rounds) throws Exception {
        Env env = backends.env(kind, kind, kind, connections,
                kind == Kind.BLOB ? backends.azurite.newContainer() : null);
        EventStreams streams = new EventStreams(EventStoreRegistry.of(env.main(), env.other()), env.documents(),
                env.tags(), EventStreamSettings.defaults(), "main");
        EventStore store = env.main();
        Path directory = Files.createTempDirectory("es-bench-backup-");
        FileBackupStorage storage = new FileBackupStorage(directory);
        DefaultBackupRestoreService service = new DefaultBackupRestoreService(streams.stores(), env.documents(),
                env.tags(), List.of(storage), BackupRetention.keepAll());
        String objectId = "b" + UUID.randomUUID().toString().substring(0, 12);
        String etag = streams.document(OBJECT, objectId).etag();
        String streamId = EventStreams.streamIdFor(OBJECT, objectId);
        try {
            CopyFigure.fill(store, streamId, n);
            Paired backup = new Paired();
            Paired restore = new Paired();
            double lineBytes = Double.NaN;
            double storedBytes = Double.NaN;
            for (int round = 0; round <= rounds; round++) { // round 0 warms up and is not counted
                double read;
                Timed<BackupDescriptor> backedUp;
                if (round % 2 == 0) {
                    read = read(store, streamId, n);
                    backedUp = backup(service, objectId, n);
                } else {
                    backedUp = backup(service, objectId, n);
                    read = read(store, streamId, n);
                }
                BackupDescriptor descriptor = backedUp.value();
                if (round == 0) {
                    lineBytes = uncompressedBytes(storage, descriptor) / (double) n;
                    storedBytes = descriptor.byteSize() / (double) n;
                }
                double restored = restore(service, store, descriptor, n);
                if (round > 0) {
                    backup.add(backedUp.perSecond(), read);
                    restore.add(restored, read);
                }
            }
            double[] backupFixed = new double[3];
            double[] restoreFixed = new double[3];
            for (int i = 0; i < backupFixed.length; i++) {
                String small = "b" + UUID.randomUUID().toString().substring(0, 12);
                String smallEtag = streams.document(OBJECT, small).etag();
                String smallStream = EventStreams.streamIdFor(OBJECT, small);
                CopyFigure.fill(store, smallStream, 1);
                Timed<BackupDescriptor> one = backup(service, small, 1);
                backupFixed[i] = one.seconds();
                restoreFixed[i] = 1 / restore(service, store, one.value(), 1);
                store.delete(smallStream);
                env.documents().delete(OBJECT, small, smallEtag);
            }
            return new Result(backup, restore, lineBytes, storedBytes, Paired.median(backupFixed),
                    Paired.median(restoreFixed));
        } finally {
            store.delete(streamId);
            env.documents().delete(OBJECT, objectId, etag);
            deleteTree(directory);
        }
    }

    /** Events per second of a plain paged read of the whole stream, every event consumed. */
    static double read(EventStore store, String streamId, int n) {
        long started = System.nanoTime();
        long count = 0;
        long sink = 0;
        try (Stream<StoredEvent> events = store.stream(streamId, 1, PAGE_SIZE)) {
            for (Iterator<StoredEvent> it = events.iterator(); it.hasNext(); ) {
                StoredEvent e = it.next();
                // touch what a backup writes of each event, so that nothing of it is left unread
                sink += e.version() + e.payload().length() + e.eventId().length() + e.type().length()
                        + e.metadata().size() + e.recordedAt().getNano();
                count++;
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        if (count != n || sink == 0) {
            throw new IllegalStateException("the plain read gave " + count + " of " + n + " events");
        }
        return n / seconds;
    }

    private record Timed<T>(T value, double seconds, int events) {
        double perSecond() {
            return events / seconds;
        }
    }

    private static Timed<BackupDescriptor> backup(DefaultBackupRestoreService service, String objectId, int n) {
        long started = System.nanoTime();
        BackupDescriptor descriptor = service.backup(OBJECT, objectId, BackupOptions.defaults());
        double seconds = (System.nanoTime() - started) / 1e9;
        if (descriptor.eventCount() != n || !descriptor.compressed()) {
            throw new IllegalStateException("the backup holds " + descriptor.eventCount() + " of " + n + " events");
        }
        return new Timed<>(descriptor, seconds, n);
    }

    /**
     * Events per second of a restore of {@code backup} into a fresh stream of {@code store}; the restored stream and
     * the backup are deleted afterwards (not timed).
     */
    private static double restore(DefaultBackupRestoreService service, EventStore store, BackupDescriptor backup,
                                  int n) {
        String fresh = "restored-" + UUID.randomUUID().toString().substring(0, 12);
        long started = System.nanoTime();
        RestoreResult result = service.restore(backup.backupId(),
                RestoreOptions.inPlace().toStream(fresh).toStore(store.name()));
        double seconds = (System.nanoTime() - started) / 1e9;
        try {
            if (result.eventCount() != n || store.version(fresh) != n) {
                throw new IllegalStateException("the restore wrote " + result.eventCount() + " of " + n
                        + " events (stream version " + store.version(fresh) + ")");
            }
        } finally {
            store.delete(fresh);
            service.delete(backup.backupId());
        }
        return n / seconds;
    }

    /** The bytes of the backup's event lines before compression. */
    private static long uncompressedBytes(FileBackupStorage storage, BackupDescriptor backup) throws IOException {
        long bytes = 0;
        byte[] buffer = new byte[64 * 1024];
        for (var stream : backup.streams()) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(
                    storage.root().resolve(backup.backupId()).resolve(stream.part())))) {
                int read;
                while ((read = in.read(buffer)) != -1) {
                    bytes += read;
                }
            }
        }
        return bytes;
    }

    private static void deleteTree(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
        }
        for (Path p : paths) {
            Files.deleteIfExists(p);
        }
    }
}
