package dev.es.engine.stream;

/**
 * How streams behave for writers and readers.
 *
 * @param autoRetryOnStreamClosure     whether an append to a closed stream is retried on its continuation
 * @param maxStreamContinuationRetries how many continuation hops one append may follow
 * @param chunkSize                    events per page on reads, and per chunk in chunked stores
 */
public record EventStreamSettings(boolean autoRetryOnStreamClosure, int maxStreamContinuationRetries, int chunkSize) {

    public EventStreamSettings {
        if (maxStreamContinuationRetries < 0) {
            throw new IllegalArgumentException("maxStreamContinuationRetries must not be negative, was "
                    + maxStreamContinuationRetries);
        }
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize must be 1 or more, was " + chunkSize);
        }
    }

    /** Auto-retry on, 3 continuation hops, chunks of 1000 events. */
    public static EventStreamSettings defaults() {
        return new EventStreamSettings(true, 3, 1000);
    }

    public EventStreamSettings withAutoRetryOnStreamClosure(boolean value) {
        return new EventStreamSettings(value, maxStreamContinuationRetries, chunkSize);
    }

    public EventStreamSettings withMaxStreamContinuationRetries(int value) {
        return new EventStreamSettings(autoRetryOnStreamClosure, value, chunkSize);
    }

    public EventStreamSettings withChunkSize(int value) {
        return new EventStreamSettings(autoRetryOnStreamClosure, maxStreamContinuationRetries, value);
    }
}
