package dev.es.engine.migration;

/** Where a live migration is in the protocol (design section 5). */
public enum MigrationPhase {
    PENDING, CATCH_UP, CLOSING, CUTOVER, BOOK_CLOSED, FAILED, CANCELLED, ROLLED_BACK;

    /** Whether the migration can move no further. */
    public boolean isTerminal() {
        return this == BOOK_CLOSED || this == FAILED || this == CANCELLED || this == ROLLED_BACK;
    }
}
