package dev.es.engine.migration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Book closing (design section 5, step 7): after the cutover the migration is recorded {@code BOOK_CLOSED} and
 * {@code COMPLETED}. The source stays, closed, as the document's terminated stream; what else closing the books may
 * do (archive or delete the source) grows here.
 */
final class BookClosingStep {

    private static final Logger log = LoggerFactory.getLogger(BookClosingStep.class);

    private final MigrationRun run;

    BookClosingStep(MigrationRun run) {
        this.run = run;
    }

    void closeBooks() {
        run.moveTo(MigrationPhase.BOOK_CLOSED, MigrationStatus.COMPLETED);
        log.info("Migration {} of {} completed: {} -> {}", run.migrationId, run.object(), run.source, run.target());
    }
}
