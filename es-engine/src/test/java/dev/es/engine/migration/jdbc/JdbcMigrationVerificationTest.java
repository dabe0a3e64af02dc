package dev.es.engine.migration.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.lock.LockSettings;
import dev.es.engine.lock.jdbc.JdbcLockProvider;
import dev.es.engine.migration.AbstractMigrationVerificationTest;
import dev.es.engine.migration.MigrationResult;
import dev.es.engine.migration.MigrationStatus;
import dev.es.engine.migration.MigrationTestStores;
import dev.es.engine.migration.MigrationVerificationException;
import dev.es.engine.migration.VerificationLevel;
import dev.es.engine.migration.VerificationMismatch;
import dev.es.engine.migration.VerificationResult;
import dev.es.engine.store.jdbc.JdbcDocumentStore;
import dev.es.engine.store.jdbc.JdbcEventStore;
import dev.es.engine.store.jdbc.JdbcMigrationRoutingTable;
import dev.es.engine.store.jdbc.JdbcTables;
import dev.es.engine.store.jdbc.JdbcTagStore;
import dev.es.engine.store.jdbc.PostgresExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Verification of migrations on PostgreSQL: two event stores in two table sets of one database. Besides the shared
 * scenarios, the target is tampered with for real here, by SQL on its events table.
 */
class JdbcMigrationVerificationTest extends AbstractMigrationVerificationTest {

    private static final JdbcTables MAIN = JdbcTables.defaults();
    private static final JdbcTables OTHER = new JdbcTables("other_");
    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension(MAIN, OTHER);

    @Override
    protected MigrationTestStores createStores() {
        return new MigrationTestStores(new JdbcEventStore("main", POSTGRES.connections(), MAIN),
                new JdbcEventStore("other", POSTGRES.connections(), OTHER),
                new JdbcDocumentStore(POSTGRES.connections(), MAIN), new JdbcTagStore(POSTGRES.connections(), MAIN),
                new JdbcLockProvider(POSTGRES.connections(), MAIN, LockSettings.defaults(), Clock.systemUTC()),
                new JdbcMigrationRoutingTable(POSTGRES.connections(), MAIN));
    }

    /** Changes one payload field of a target event in the database, as someone with SQL access could. */
    private static void updatePayload(String streamId, long version, String field, String jsonValue) {
        try (Connection c = POSTGRES.dataSource().getConnection();
             PreparedStatement update = c.prepareStatement("UPDATE " + OTHER.events() + " SET payload ="
                     + " jsonb_set(payload, ARRAY[?], CAST(? AS jsonb)) WHERE stream_id = ? AND version = ?")) {
            update.setString(1, field);
            update.setString(2, jsonValue);
            update.setString(3, streamId);
            update.setLong(4, version);
            assertThat(update.executeUpdate()).isEqualTo(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aPayloadChangedBySqlBetweenCopyAndCloseFailsTheMigrationBeforeTheClose() {
        String id = objectWithNotes(2 * chunkSize());
        AtomicBoolean tampered = new AtomicBoolean();
        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other")
                .withVerification(v -> v.level(VerificationLevel.HASH))
                .withLiveMigration(o -> o.onCatchUpProgress(p -> {
                    if (tampered.compareAndSet(false, true)) {
                        updatePayload(target(id), 42, "amount", "2.50");
                    }
                }))
                .execute();

        assertThat(result.status()).isEqualTo(MigrationStatus.FAILED);
        VerificationMismatch mismatch = ((MigrationVerificationException) result.error()).mismatch();
        assertThat(mismatch.targetVersion()).isEqualTo(42);
        assertThat(mismatch.eventId()).isEqualTo(main.read(source(id), 42, 1).get(0).eventId());
        assertThat(mismatch.field()).isEqualTo("payload");
        assertThat(mismatch.detail()).isEqualTo("the payload differs at $.amount");
        assertSourceUntouchedAndWritable(id, result);
    }

    @Test
    void aPayloadChangedBySqlAfterTheCutoverFailsTheStandaloneVerification() {
        String id = objectWithNotes(chunkSize() + 5);
        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other")
                .withVerification(v -> v.level(VerificationLevel.FULL)).execute();
        assertThat(result.isSuccess()).as("result %s", result.error()).isTrue();
        assertThat(migrations.verify(result.migrationId(), VerificationLevel.HASH).matched()).isTrue();

        updatePayload(target(id), 3, "tags", "[100, \"cafe\"]");
        VerificationResult verified = migrations.verify(result.migrationId(), VerificationLevel.HASH);
        assertThat(verified.matched()).isFalse();
        assertThat(verified.firstMismatch().targetVersion()).isEqualTo(3);
        assertThat(verified.firstMismatch().detail()).isEqualTo("the payload differs at $.tags[1]");
    }
}
