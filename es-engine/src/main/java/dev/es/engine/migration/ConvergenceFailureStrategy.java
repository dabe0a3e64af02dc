package dev.es.engine.migration;

/** What a live migration does when writers keep the source moving past {@code closeTimeout}. */
public enum ConvergenceFailureStrategy {
    /** Keep catching up and trying to close. */
    KEEP_TRYING,
    /** Fail the migration; the source stays open and writable. */
    FAIL,
    /** Make this process's writers of the object wait briefly (bounded) so that the close can win. */
    PAUSE_SOURCE
}
