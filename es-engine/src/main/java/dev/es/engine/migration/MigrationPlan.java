package dev.es.engine.migration;

import dev.es.engine.document.StreamPointer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a migration would do, measured without writing anything ({@link MigrationBuilder#dryRun()}): the source is
 * read once, page by page, every event is run through the transformer and sized as the target store would count it,
 * the target, the routing table and the lock are looked at, and the target store's round trip is timed with reads.
 *
 * @param sourceEvents           business events in the source (close events left out)
 * @param sourceBytes            their payload and metadata size, in UTF-8 bytes
 * @param eventsToTransform      events the transformer accepts ({@code canTransform})
 * @param measuredReadsPerSecond source events read per second while measuring (the reads alone)
 * @param estimatedDuration      the copy's estimated length: the measured read and transformation time, plus
 *                               the estimated write time ({@link Measurements#estimatedWriteTime()}), and no less than
 *                               the rate limit allows ({@code maxEventsPerSecond}); the close and cutover add about one
 *                               round trip each
 * @param sourceAlreadyClosed    whether the source already ends with a close event
 * @param eventTypes             events per type and schema version, most frequent first
 * @param transformation         what the transformer does to the events, run on each of them
 * @param targetState            the target stream and store as they are now, and the events too large for it
 * @param lockFree               whether the object's migration lock is free now (a migration started with no lock
 *                               wait is refused while another holds it)
 * @param unfinishedMigrationId  an unfinished migration of the same source and target in the routing table, which
 *                               running the migration would resume; {@code null} when there is none
 * @param measurements           the timings the estimate is made of
 * @param warnings               what would stop or slow the migration, in words for an operator; empty when nothing
 *                               was found
 */
public record MigrationPlan(String objectName, String objectId, StreamPointer source, StreamPointer target,
                            long sourceEvents, long sourceBytes, long eventsToTransform, double measuredReadsPerSecond,
                            Duration estimatedDuration, boolean sourceAlreadyClosed, List<TypeCount> eventTypes,
                            Transformation transformation, TargetState targetState, boolean lockFree,
                            @Nullable String unfinishedMigrationId, Measurements measurements,
                            List<String> warnings) {

    public MigrationPlan {
        eventTypes = List.copyOf(eventTypes);
        warnings = List.copyOf(warnings);
        Objects.requireNonNull(transformation, "transformation");
        Objects.requireNonNull(targetState, "targetState");
        Objects.requireNonNull(measurements, "measurements");
    }

    /** Whether the dry run found nothing that would stop or slow the migration ({@link #warnings()} is empty). */
    public boolean isClear() {
        return warnings.isEmpty();
    }

    /**
     * How many source events of one type and schema version there are.
     *
     * @param bytes their payload and metadata size, in UTF-8 bytes
     */
    public record TypeCount(String type, int schemaVersion, long events, long bytes) {
    }

    /**
     * What the transformer does, found by running it on every source event the way the copy would (its output is
     * kept nowhere). Each event it accepts counts in exactly one of {@code unchanged}, {@code changed}, {@code split},
     * {@code dropped} and {@code failed}.
     *
     * @param accepted      events the transformer accepts ({@code canTransform})
     * @param unchanged     accepted events it gives back as they were (same type, schema version, payload, metadata)
     * @param changed       accepted events it turns into one other event
     * @param split         accepted events it turns into two or more events
     * @param dropped       accepted events it turns into none
     * @param produced      events its output holds in all (what the accepted events become on the target)
     * @param failed        accepted events it throws on: the migration fails on the first of them, unless it skips and
     *                      records them ({@code onTransformFailure(SKIP_AND_RECORD)})
     * @param firstFailure  the first of those failures (event id, version, what was thrown), or {@code null}
     * @param targetEvents  how many events the copy would append to the target in all
     */
    public record Transformation(long accepted, long unchanged, long changed, long split, long dropped, long produced,
                                 long failed, @Nullable String firstFailure, long targetEvents) {
    }

    /**
     * The target as the dry run found it, and the copies that are too large for its store.
     *
     * @param events            events the target stream holds now (0 when absent)
     * @param resumable         whether those events are copies of this source by an earlier run, which the migration
     *                          continues from; false for an empty target. A non-empty target that is not resumable
     *                          makes the migration fail ("choose an empty target")
     * @param copiedUpTo        the source version those copies reach, 0 when none
     * @param maxEventBytes     the largest event the target store can append ({@code EventStore.maxEventBytes()}),
     *                          0 when it sets no limit
     * @param largestEventBytes the largest copy, as the target store counts it
     * @param eventsTooLarge    copies larger than {@code maxEventBytes}: the migration would fail on the first of them
     * @param tooLarge          the first 20 of them
     */
    public record TargetState(long events, boolean resumable, long copiedUpTo, long maxEventBytes,
                              long largestEventBytes, long eventsTooLarge, List<OversizedEvent> tooLarge) {

        public TargetState {
            tooLarge = List.copyOf(tooLarge);
        }
    }

    /**
     * A copy too large for the target store.
     *
     * @param sourceVersion the version of the source event it is (or is made from)
     * @param bytes         its size, as the target store counts it
     */
    public record OversizedEvent(String eventId, String type, long sourceVersion, long bytes) {
    }

    /**
     * The timings the estimate is made of. The write rate is estimated without writing: each target append is at
     * least one round trip to the target store, timed with reads of the target stream's version (the median of
     * five), and carries the same bytes the source read carried, so the write time is taken as
     * one round trip per page plus the measured read time. Stores whose writes cost more than their reads (a
     * PostgreSQL commit, blob append blocks) make the copy slower than estimated.
     *
     * @param readTime                 time spent reading the source, page by page
     * @param transformTime            time spent transforming and sizing the copies
     * @param targetRoundTrip          the target store's round trip, timed with a read of the target's version
     * @param pages                    how many target appends the copy makes (pages of at most the chunk size, or one
     *                                 second's worth of events under a rate limit)
     * @param estimatedWriteTime       {@code pages} round trips plus the read time
     * @param estimatedWritesPerSecond target events per second that write time comes to
     * @param maxEventsPerSecond       the rate limit the migration would copy at, 0 for none
     */
    public record Measurements(Duration readTime, Duration transformTime, Duration targetRoundTrip, long pages,
                               Duration estimatedWriteTime, double estimatedWritesPerSecond,
                               double maxEventsPerSecond) {
    }
}
