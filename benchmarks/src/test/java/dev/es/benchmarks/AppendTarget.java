package dev.es.benchmarks;

/**
 * Something figures 1 and 2 append to: an es store or a reference. Each writer gets a stream of its own, new for
 * each round and primed with one append before the clock starts (so a stream's creation is not timed, on either
 * side), and appends back to back with exact versions.
 */
interface AppendTarget {

    String label();

    /** A new stream {@code streamId} for one writer of batches of {@code batch} events, primed with one batch. */
    Writer open(String streamId, int batch) throws Exception;

    /** One writer's stream. */
    interface Writer extends AutoCloseable {

        /** Appends one batch right after the writer's last one. */
        void append() throws Exception;

        /** Deletes what the writer wrote (not timed), so that rounds do not pile data up. */
        @Override
        void close() throws Exception;
    }
}
