package dev.es.engine.migration;

/**
 * How far a migration's copy has come.
 *
 * @param copied the source version copied up to (its events are on the target)
 * @param target the target stream's version
 */
record Position(long copied, long target) {

    /** Nothing copied, an empty target. */
    static final Position START = new Position(0, 0);
}
