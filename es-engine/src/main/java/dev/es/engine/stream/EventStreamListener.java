package dev.es.engine.stream;

import java.time.Duration;

/** Hears what writers do, for metrics; every method is a no-op by default. */
public interface EventStreamListener {

    /** No-op listener. */
    EventStreamListener NONE = new EventStreamListener() {
    };

    /** An append through {@link EventStream} succeeded. */
    default void appended(String store, int events, Duration took) {
    }

    /** An append met a closed stream and is retried on its continuation. */
    default void retriedOnContinuation(String objectName, String fromStream, String toStream) {
    }
}
