package dev.es.engine.migration;

/** One catch-up iteration of a live migration: how far the target is behind the source. */
public record CatchUpProgress(int iteration, long sourceVersion, long targetVersion, long eventsBehind) {
}
