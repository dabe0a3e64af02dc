package dev.es.benchmarks;

import com.azure.storage.blob.BlobContainerClient;
import dev.es.benchmarks.Backends.Env;
import dev.es.benchmarks.Backends.Kind;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.migration.DefaultEventStreamMigrationService;
import dev.es.engine.migration.MigrationResult;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.jdbc.JdbcConnections;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Figure 3: a migration's copy throughput (a whole migration of an object with {@code n} events and no writers, from
 * its start to its result, default settings) against a raw page copy with the same batching: read a page of the
 * source store's {@code read()}, append it to the target store with an exact version, loop.
 */
final class CopyFigure {

    /** One store pair: the kinds of {@code main} (source) and {@code other} (target). */
    record Pair(Kind source, Kind target, int events, boolean targeted) {
        String label() {
            return source.label + " -> " + target.label;
        }

        /** Documents, locks and the routing table: PostgreSQL when either store is, else Azure Blob, else memory. */
        Kind metadata() {
            if (source == Kind.JDBC || target == Kind.JDBC) {
                return Kind.JDBC;
            }
            return source == Kind.BLOB || target == Kind.BLOB ? Kind.BLOB : Kind.MEMORY;
        }
    }

    private final Backends backends;
    private final BlobContainerClient container;
    private final JdbcConnections connections;

    CopyFigure(Backends backends, BlobContainerClient container) {
        this.backends = backends;
        this.container = container;
        this.connections = backends.db.connections();
    }

    /**
     * @param copy  the side-by-side rounds
     * @param fixed the median time of a whole migration of an object of one event: what a migration costs besides
     *              copying (lock, fences, routing entries, close, cutover, book closing), in seconds
     */
    record Result(Paired copy, double fixed) {
    }

    Result run(Pair pair, int rounds) throws Exception {
        Env env = backends.env(pair.source(), pair.target(), pair.metadata(), connections, container);
        EventStreams streams = new EventStreams(EventStoreRegistry.of(env.main(), env.other()), env.documents(),
                env.tags(), EventStreamSettings.defaults(), "main");
        int pageSize = streams.settings().chunkSize();
        try (DefaultEventStreamMigrationService migrations = new DefaultEventStreamMigrationService(streams,
                env.locks(), env.routing())) {
            Paired copy = Paired.run(1, rounds,
                    warmUp -> migrate(streams, migrations, pair.events()),
                    warmUp -> rawCopy(env.main(), env.other(), pair.events(), pageSize));
            double[] fixed = new double[3];
            for (int i = 0; i < fixed.length; i++) {
                fixed[i] = 1 / migrate(streams, migrations, 1);
            }
            return new Result(copy, Paired.median(fixed));
        }
    }

    /** Events per second of one migration of a new object of {@code n} events from {@code main} to {@code other}. */
    private static double migrate(EventStreams streams, DefaultEventStreamMigrationService migrations, int n) {
        String id = "c" + UUID.randomUUID().toString().substring(0, 12);
        streams.open("Order", id);
        EventStore source = streams.stores().get("main");
        String sourceId = EventStreams.streamIdFor("Order", id);
        fill(source, sourceId, n);
        long started = System.nanoTime();
        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other").execute();
        double seconds = (System.nanoTime() - started) / 1e9;
        if (!result.isSuccess()) {
            throw new IllegalStateException("migration " + result.status() + ": " + result.error(), result.error());
        }
        StreamPointer target = streams.documents().get("Order", id).orElseThrow().active();
        source.delete(sourceId);
        streams.stores().get(target.store()).delete(target.streamId());
        return n / seconds;
    }

    /** Events per second of a page copy of a new stream of {@code n} events, with the migration's page size. */
    private static double rawCopy(EventStore source, EventStore target, int n, int pageSize) {
        String round = UUID.randomUUID().toString().substring(0, 12);
        String sourceId = "copy-src-" + round;
        String targetId = "copy-dst-" + round;
        fill(source, sourceId, n);
        long started = System.nanoTime();
        long copied = 0;
        long targetVersion = 0;
        while (true) {
            List<StoredEvent> page = source.read(sourceId, copied + 1, pageSize);
            if (page.isEmpty()) {
                break;
            }
            List<EventData> out = new ArrayList<>(page.size());
            for (StoredEvent e : page) {
                // the copy keeps the event's id and recordedAt, as a migration's does
                out.add(new EventData(e.eventId(), e.type(), e.schemaVersion(), e.payload(), e.metadata(),
                        e.recordedAt()));
            }
            target.append(targetId, targetVersion == 0 ? ExpectedVersion.noStream()
                    : ExpectedVersion.exactly(targetVersion), out);
            targetVersion += out.size();
            copied = page.get(page.size() - 1).version();
            if (page.size() < pageSize) {
                break;
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        if (targetVersion != n) {
            throw new IllegalStateException("raw copy wrote " + targetVersion + " of " + n + " events");
        }
        source.delete(sourceId);
        target.delete(targetId);
        return n / seconds;
    }

    /** Fills a new stream with {@code n} events, 1000 a batch. */
    static void fill(EventStore store, String streamId, int n) {
        for (int filled = 0; filled < n; filled += 1000) {
            int size = Math.min(1000, n - filled);
            store.append(streamId, filled == 0 ? ExpectedVersion.noStream() : ExpectedVersion.exactly(filled),
                    Events.batch(size));
        }
    }
}
