package dev.es.engine.migration;

/** How a live migration makes its close win when writers keep the source moving. */
public enum ConvergenceFailureStrategy {
    /** Never hold writers: keep catching up and trying to close; a busy enough stream may never finish. */
    KEEP_TRYING,
    /** Never hold writers, and fail after {@code closeTimeout}; the source stays open and writable. */
    FAIL,
    /**
     * The default: once the close has lost {@code closeAttemptsBeforePause} times with catch-up within a page of
     * the source (or after {@code closeTimeout}), hold the source's writers through its store, in every process, for
     * at most {@code maxSourcePause} while the last events are copied and the close appended. A store that cannot
     * hold writers falls back to this process's write gate, which holds only this process's writers.
     */
    PAUSE_SOURCE
}
