package dev.es.engine.migration;

import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import org.jspecify.annotations.Nullable;

/**
 * A check of one copied event of your own, run by a migration's verification ({@link VerificationOptions#check})
 * on every pair of events it compares: what the source event becomes once transformed, and the event the target
 * store holds at that place. It runs on the migration's thread and must not write anywhere.
 *
 * <pre>{@code
 * v.check("amount kept", (expected, actual) ->
 *         actual.payload().contains("\"amount\"") ? null : "amount is missing")
 * }</pre>
 *
 * A check sees every event in the range being verified, at any {@link VerificationLevel}: it makes the verification
 * read the source again for that range (as {@link VerificationLevel#FULL} does).
 */
@FunctionalInterface
public interface VerificationCheck {

    /**
     * Checks one copied event.
     *
     * @param expected the source event as transformed, as the copy appends it: id, type, schema version, payload
     *                 and the metadata including the copy's provenance ({@code es.migratedFrom},
     *                 {@code es.sourceVersion})
     * @param actual   the event the target holds at that place, as its store reads it back
     * @return {@code null} when the pair is right; otherwise what is wrong, in a few words (it ends up in the
     *         migration's error, so leave sensitive data out). A check that throws counts as a mismatch too.
     */
    @Nullable String check(EventData expected, StoredEvent actual);
}
