package dev.es.engine.migration;

import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.store.EventStore;
import dev.es.engine.stream.EventStreams;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * The measured dry run ({@link MigrationBuilder#dryRun()}): reads the source once, page by page, runs every event
 * through the transformer and sizes each copy as the target store counts it, looks at the target stream, the routing
 * table and the object's lock, and times the target store's round trip with reads. It only reads: no store, document,
 * routing entry or lock is written, taken or raised (a test compares every store before and after, on each kind of
 * store). The transformer runs on every event, so it must not have side effects (it must not anyway: a resumed copy
 * runs it again).
 */
final class DryRun {

    /** How many oversized events a plan lists by name. */
    static final int MAX_LISTED = 20;
    /** How many target round trips are timed; the median is taken. */
    static final int ROUND_TRIPS = 5;

    private final EventStreams streams;
    private final DistributedLockProvider locks;
    private final MigrationRoutingTable routing;
    private final MigrationEndpoints endpoints;

    DryRun(EventStreams streams, DistributedLockProvider locks, MigrationRoutingTable routing,
           MigrationEndpoints endpoints) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.locks = Objects.requireNonNull(locks, "locks");
        this.routing = Objects.requireNonNull(routing, "routing");
        this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
    }

    /** Measures what {@code definition} would do. */
    MigrationPlan plan(MigrationDefinition definition) {
        StreamPointer source = endpoints.source(definition);
        StreamPointer target = endpoints.target(definition, source);
        EventStore sourceStore = streams.stores().get(source.store());
        EventStore targetStore = streams.stores().get(target.store());
        MigrationDefinition.Live live = definition.live();

        Tally tally = new Tally(targetStore, source, definition);
        int chunkSize = streams.settings().chunkSize();
        long readNanos = 0;
        boolean closed = false;
        long next = 1;
        while (true) {
            long started = System.nanoTime();
            List<StoredEvent> page = sourceStore.read(source.streamId(), next, chunkSize);
            readNanos += System.nanoTime() - started;
            for (StoredEvent event : page) {
                if (event.isCloseEvent()) {
                    closed = true;
                } else {
                    tally.add(event);
                }
            }
            if (page.size() < chunkSize) {
                break;
            }
            next = page.get(page.size() - 1).version() + 1;
        }
        Duration readTime = Duration.ofNanos(readNanos);
        Duration transformTime = Duration.ofNanos(tally.nanos);

        // the target as it is now, and its round trip: reads only
        long[] roundTrips = new long[ROUND_TRIPS];
        long targetVersion = 0;
        for (int i = 0; i < ROUND_TRIPS; i++) {
            long started = System.nanoTime();
            targetVersion = targetStore.version(target.streamId());
            roundTrips[i] = System.nanoTime() - started;
        }
        Arrays.sort(roundTrips);
        Duration roundTrip = Duration.ofNanos(roundTrips[ROUND_TRIPS / 2]);
        StoredEvent last = targetVersion == 0 ? null : targetStore.lastEvent(target.streamId());
        String copiedFrom = last == null ? null : last.metadata().get(CopyStep.MIGRATED_FROM);
        String copiedVersion = last == null ? null : last.metadata().get(CopyStep.SOURCE_VERSION);
        boolean resumable = source.toString().equals(copiedFrom) && copiedVersion != null;
        long copiedUpTo = resumable ? Long.parseLong(copiedVersion) : 0;

        boolean lockFree = !locks.isLocked(definition.lockKey());
        String unfinished = routing.forObject(definition.objectName(), definition.objectId()).stream()
                .filter(e -> e.source().equals(source) && e.target().equals(target))
                .filter(e -> e.isActive() || e.status() == MigrationStatus.FAILED)
                .max(Comparator.comparing(MigrationEntry::updatedAt,
                        Comparator.nullsFirst(Comparator.naturalOrder())))
                .map(MigrationEntry::migrationId).orElse(null);

        Throttle throttle = new Throttle(live.maxEventsPerSecond());
        int pageSize = throttle.pageSize(chunkSize);
        long pages = (tally.events + pageSize - 1) / pageSize;
        Duration writeTime = roundTrip.multipliedBy(pages).plus(readTime);
        double writesPerSecond = tally.targetEvents == 0 ? 0
                : tally.targetEvents / Math.max(1e-9, writeTime.toNanos() / 1e9);
        Duration estimate = readTime.plus(transformTime).plus(writeTime);
        if (throttle.limited() && tally.events > 0) {
            // the first page goes at once, each later one waits for its share of a second
            long waited = Math.max(0, tally.events - pageSize);
            Duration paced = Duration.ofNanos((long) Math.ceil(waited * 1e9 / live.maxEventsPerSecond()));
            if (paced.compareTo(estimate) > 0) {
                estimate = paced;
            }
        }
        double readsPerSecond = tally.events == 0 ? 0 : tally.events / Math.max(1e-9, readNanos / 1e9);

        OptionalLong limit = targetStore.maxEventBytes();
        MigrationPlan.TargetState targetState = new MigrationPlan.TargetState(targetVersion, resumable, copiedUpTo,
                limit.orElse(0), tally.largest, tally.tooLargeCount, tally.tooLarge);
        MigrationPlan.Transformation transformation = new MigrationPlan.Transformation(tally.accepted,
                tally.unchanged, tally.changed, tally.split, tally.dropped, tally.produced, tally.failed,
                tally.firstFailure, tally.targetEvents);
        List<String> warnings = warnings(definition, source, target, closed, targetVersion, resumable, copiedUpTo,
                tally, limit, lockFree, unfinished);
        return new MigrationPlan(definition.objectName(), definition.objectId(), source, target, tally.events,
                tally.bytes, tally.accepted, readsPerSecond, estimate, closed, tally.types(), transformation,
                targetState, lockFree, unfinished,
                new MigrationPlan.Measurements(readTime, transformTime, roundTrip, pages, writeTime, writesPerSecond,
                        live.maxEventsPerSecond()),
                warnings);
    }

    private static List<String> warnings(MigrationDefinition definition, StreamPointer source, StreamPointer target,
                                         boolean closed, long targetVersion, boolean resumable, long copiedUpTo,
                                         Tally tally, OptionalLong limit, boolean lockFree,
                                         String unfinished) {
        List<String> warnings = new ArrayList<>();
        if (closed) {
            warnings.add("the source " + source + " is already closed: only a migration that closed it toward its"
                    + " target can finish");
        }
        if (targetVersion > 0 && !resumable) {
            warnings.add("the target " + target + " already holds " + targetVersion + " event(s) that were not"
                    + " copied from " + source + ": the migration would fail; choose an empty target");
        } else if (resumable) {
            warnings.add("the target " + target + " already holds copies up to source version " + copiedUpTo
                    + ": the migration continues from there"
                    + (unfinished == null ? "" : " (migration " + unfinished + ")"));
        }
        if (tally.tooLargeCount > 0) {
            MigrationPlan.OversizedEvent first = tally.tooLarge.get(0);
            warnings.add(tally.tooLargeCount + " event(s) are too large for target store '" + target.store()
                    + "' (at most " + limit.orElse(0) + " bytes each; the first is " + first.eventId() + " at source"
                    + " version " + first.sourceVersion() + ", " + first.bytes() + " bytes): the migration would fail"
                    + " on it before the close");
        }
        if (tally.failed > 0) {
            warnings.add("the transformer fails on " + tally.failed + " event(s) (first: " + tally.firstFailure
                    + "): " + (definition.transformFailurePolicy() == TransformFailurePolicy.FAIL
                    ? "the migration would fail before the close" : "they would be skipped and recorded"));
        }
        if (!lockFree) {
            warnings.add("the object's migration lock '" + definition.lockKey() + "' is held now (another migration"
                    + " runs): a start " + (definition.lockWait().isZero() ? "is refused"
                    : "waits up to " + definition.lockWait()) + " until it is free");
        }
        return warnings;
    }

    /** What the read found, event by event; the transformation and the sizes of the copies. */
    private static final class Tally {
        private final EventStore targetStore;
        private final String sourceName;
        private final MigrationDefinition definition;
        private final OptionalLong limit;
        private final Map<TypeKey, long[]> types = new LinkedHashMap<>();
        long events;
        long bytes;
        long accepted;
        long unchanged;
        long changed;
        long split;
        long dropped;
        long produced;
        long failed;
        String firstFailure;
        long targetEvents;
        long largest;
        long tooLargeCount;
        final List<MigrationPlan.OversizedEvent> tooLarge = new ArrayList<>();
        long nanos;

        Tally(EventStore targetStore, StreamPointer source, MigrationDefinition definition) {
            this.targetStore = targetStore;
            this.sourceName = source.toString();
            this.definition = definition;
            this.limit = targetStore.maxEventBytes();
        }

        void add(StoredEvent e) {
            long started = System.nanoTime();
            events++;
            long size = e.payload().getBytes(StandardCharsets.UTF_8).length;
            for (Map.Entry<String, String> m : e.metadata().entrySet()) {
                size += m.getKey().length() + m.getValue().length();
            }
            bytes += size;
            long[] count = types.computeIfAbsent(new TypeKey(e.type(), e.schemaVersion()), k -> new long[2]);
            count[0]++;
            count[1] += size;
            for (EventData copy : copies(e)) {
                targetEvents++;
                long copyBytes = targetStore.eventBytes(copy);
                largest = Math.max(largest, copyBytes);
                if (limit.isPresent() && copyBytes > limit.getAsLong()) {
                    if (tooLarge.size() < MAX_LISTED) {
                        tooLarge.add(new MigrationPlan.OversizedEvent(copy.eventId(), copy.type(), e.version(),
                                copyBytes));
                    }
                    tooLargeCount++;
                }
            }
            nanos += System.nanoTime() - started;
        }

        /** The copies of {@code e} as the copy would build them (see {@code CopyStep}), counting what it does. */
        private List<EventData> copies(StoredEvent e) {
            if (!definition.transformer().canTransform(e.type(), e.schemaVersion())) {
                return List.of(copy(e.eventId(), e.type(), e.schemaVersion(), e.payload(), e.metadata(), e));
            }
            accepted++;
            List<EventData> produced;
            try {
                produced = definition.transformer().transform(e);
            } catch (RuntimeException failure) {
                failed++;
                if (firstFailure == null) {
                    firstFailure = "event " + e.eventId() + " ('" + e.type() + "' at version " + e.version() + "): "
                            + failure;
                }
                return List.of();
            }
            this.produced += produced.size();
            if (produced.isEmpty()) {
                dropped++;
            } else if (produced.size() > 1) {
                split++;
            } else {
                EventData out = produced.get(0);
                boolean same = out.type().equals(e.type()) && out.schemaVersion() == e.schemaVersion()
                        && out.payload().equals(e.payload()) && out.metadata().equals(e.metadata());
                if (same) {
                    unchanged++;
                } else {
                    changed++;
                }
            }
            List<EventData> copies = new ArrayList<>(produced.size());
            try {
                for (int i = 0; i < produced.size(); i++) {
                    EventData out = produced.get(i);
                    String id = i == 0 ? e.eventId() : UUID.nameUUIDFromBytes((e.eventId() + "/" + i)
                            .getBytes(StandardCharsets.UTF_8)).toString();
                    copies.add(copy(id, out.type(), out.schemaVersion(), out.payload(), out.metadata(), e));
                }
            } catch (RuntimeException invalid) {
                // an event the copy could not append (a bad type, id or payload): the migration would fail on it
                failed++;
                if (firstFailure == null) {
                    firstFailure = "event " + e.eventId() + " ('" + e.type() + "' at version " + e.version()
                            + "): its transformed copy is invalid: " + invalid;
                }
                return List.of();
            }
            return copies;
        }

        private EventData copy(String id, String type, int schemaVersion, String payload,
                               Map<String, String> metadata, StoredEvent from) {
            Map<String, String> withProvenance = new HashMap<>(metadata.size() + 3);
            withProvenance.putAll(metadata);
            withProvenance.remove(EventData.RECORDED_AT);
            withProvenance.put(CopyStep.MIGRATED_FROM, sourceName);
            withProvenance.put(CopyStep.SOURCE_VERSION, Long.toString(from.version()));
            return new EventData(id, type, schemaVersion, payload, withProvenance, from.recordedAt());
        }

        private record TypeKey(String type, int schemaVersion) {
        }

        List<MigrationPlan.TypeCount> types() {
            List<MigrationPlan.TypeCount> counts = new ArrayList<>(types.size());
            types.forEach((key, count) -> counts.add(new MigrationPlan.TypeCount(key.type(), key.schemaVersion(),
                    count[0], count[1])));
            counts.sort(Comparator.comparingLong(MigrationPlan.TypeCount::events).reversed()
                    .thenComparing(MigrationPlan.TypeCount::type)
                    .thenComparingInt(MigrationPlan.TypeCount::schemaVersion));
            return counts;
        }
    }
}
