package dev.es.engine.migration;

/** What a migration does when its transformer throws. */
public enum TransformFailurePolicy {
    /** Fail the migration before the close; the source stays untouched. */
    FAIL,
    /** Leave the event out of the target and list it in the result's skipped events. */
    SKIP_AND_RECORD
}
