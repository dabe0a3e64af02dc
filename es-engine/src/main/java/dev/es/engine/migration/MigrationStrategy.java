package dev.es.engine.migration;

/**
 * How an event schema change reaches the events already stored.
 */
public enum MigrationStrategy {

    /**
     * Copy the stream to a new one through the migration's transformer (which may split, drop or rename), then
     * close the source and switch over (design section 5). The lazy upcasters registered on {@code EventStreams}
     * are applied before the migration's own transformer, so the copy bakes the upcast in for good. The default.
     */
    COPY_AND_TRANSFORM,

    /**
     * Upcast on read, with no copy: one-to-one upcasters registered once on {@code EventStreams} (in Spring: every
     * {@code EventUpcaster} bean) raise old events in {@code readAll()}, {@code replay} and aggregate loads; nothing
     * is written. It is global, not per object: a {@link MigrationBuilder} given this strategy does not run
     * (see {@link MigrationBuilder#withStrategy(MigrationStrategy)}).
     */
    LAZY_TRANSFORM
}
