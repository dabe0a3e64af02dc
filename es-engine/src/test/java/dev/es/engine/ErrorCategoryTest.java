package dev.es.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.document.DocumentConcurrencyException;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.InvalidEventException;
import dev.es.engine.lock.LockAcquisitionTimeoutException;
import dev.es.engine.lock.LockLostException;
import dev.es.engine.migration.MigrationException;
import dev.es.engine.migration.MigrationLockedException;
import dev.es.engine.store.CommitFailedException;
import dev.es.engine.store.DuplicateEventIdException;
import dev.es.engine.store.EventStreamClosedException;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.StaleFencingTokenException;
import dev.es.engine.store.UnknownStoreException;
import dev.es.engine.store.WriterHoldExpiredException;
import dev.es.engine.store.WrongExpectedVersionException;
import dev.es.engine.store.blob.AppendTooLargeException;
import dev.es.engine.store.jdbc.JdbcStoreException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every exception the engine throws on purpose says which kind of failure it is. */
class ErrorCategoryTest {

    @Test
    void theStateMovingIsAConflict() {
        CloseEvent close = new CloseEvent("s-v2", "main", "migration", "m1", 3, 3, Instant.now());
        List<EsException> conflicts = List.of(
                new WrongExpectedVersionException("s", ExpectedVersion.exactly(1), 2),
                new EventStreamClosedException("s", close),
                new DuplicateEventIdException("s", "e1", 4),
                new StaleFencingTokenException("s", 1, 2),
                new DocumentConcurrencyException("Order", "1", "etag-1"),
                new LockLostException("migration/Order/1"),
                new WriterHoldExpiredException("s", "ran out"));
        assertThat(conflicts).allSatisfy(e -> assertThat(e.category()).as("%s", e).isEqualTo(ErrorCategory.CONFLICT));
    }

    @Test
    void whatMayWorkWhenTriedAgainIsTransient() {
        assertThat(new CommitFailedException("s", ExpectedVersion.any(), 1, 2, true, null).category())
                .isEqualTo(ErrorCategory.TRANSIENT);
        assertThat(new LockAcquisitionTimeoutException("k", Duration.ofSeconds(1)).category())
                .isEqualTo(ErrorCategory.TRANSIENT);
        assertThat(new MigrationLockedException("m", "k", null).category()).isEqualTo(ErrorCategory.TRANSIENT);
        assertThat(new JdbcStoreException("read", new SQLException("gone", "08006")).category())
                .isEqualTo(ErrorCategory.TRANSIENT);
        assertThat(new JdbcStoreException("read", new SQLException("deadlock", "40P01")).category())
                .isEqualTo(ErrorCategory.TRANSIENT);
        assertThat(new JdbcStoreException("read", new SQLException("timeout", "57014")).category())
                .isEqualTo(ErrorCategory.TRANSIENT);
    }

    @Test
    void aWrongRequestIsUsageAndTheRestAFailure() {
        assertThat(new InvalidEventException("bad payload").category()).isEqualTo(ErrorCategory.USAGE);
        assertThat(new InvalidIdentifierException("stream id", "a b", "has a space").category())
                .isEqualTo(ErrorCategory.USAGE);
        assertThat(new UnknownStoreException("nowhere", List.of("main")).category()).isEqualTo(ErrorCategory.USAGE);
        assertThat(new AppendTooLargeException("s", 10, 5_000_000, 4_194_304).category())
                .isEqualTo(ErrorCategory.USAGE);
        assertThat(ErrorCategory.of(new IllegalArgumentException("x"))).isEqualTo(ErrorCategory.USAGE);

        assertThat(new JdbcStoreException("read", new SQLException("no table", "42P01")).category())
                .isEqualTo(ErrorCategory.FAILURE);
        assertThat(new MigrationException("m", "the transformer failed").category())
                .isEqualTo(ErrorCategory.FAILURE);
        assertThat(ErrorCategory.of(new IllegalStateException("x"))).isEqualTo(ErrorCategory.FAILURE);
        assertThat(ErrorCategory.of(new WrongExpectedVersionException("s", ExpectedVersion.any(), 1)))
                .isEqualTo(ErrorCategory.CONFLICT);
    }
}
