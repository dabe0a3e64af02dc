package dev.es.engine.migration;

/**
 * How thoroughly a migration's target is compared with its source as transformed, before the close
 * ({@link MigrationBuilder#withVerification}) or afterwards ({@link EventStreamMigrationService#verify}). Each level
 * includes the checks of the ones before it.
 */
public enum VerificationLevel {

    /**
     * Counts: the target store holds exactly as many events as the source, transformed, makes up to the version the
     * close names, and no more. Costs one version read of the target per close attempt while the copy's own count
     * is trusted; a source read only after a copy that had to re-synchronise.
     */
    COUNT,

    /**
     * Counts, and a rolling SHA-256 over each event's id, type, schema version and canonical payload: of the events
     * the copy appended (kept while copying) against the target read back from its store, incrementally from where
     * the last verification stopped. Costs one read of each target event once, and hashing. A mismatch is then
     * located event by event in the range since the last verification, so that it is named.
     */
    HASH,

    /**
     * Event by event: the target read back against the source read again and transformed again, comparing event
     * id, type, schema version, canonical payload, metadata (the copy's provenance included) and recorded time.
     * Costs a second read of the source and a second transformation; needs a deterministic transformer.
     */
    FULL
}
