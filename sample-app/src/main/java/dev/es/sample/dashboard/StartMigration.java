package dev.es.sample.dashboard;

import org.jspecify.annotations.Nullable;

/**
 * Body of {@code POST /dashboard/api/migrations}: what to migrate and how.
 *
 * @param scope              {@code order} (one order, {@code orderId}), {@code tag} (every order tagged {@code tag},
 *                           a bulk run) or {@code store} (every order whose active stream is in {@code store}, a bulk
 *                           run)
 * @param orderId            with scope {@code order}
 * @param tag                with scope {@code tag}
 * @param store              with scope {@code store}
 * @param targetStore        where the orders go; {@code null} or blank: the store each is in now
 * @param transform          whether (absent: no) the copy raises {@code OrderPlaced} v1 to v2 ({@code OrderUpcasting})
 * @param maxEventsPerSecond each migration's copy rate limit, 0 or absent for none
 * @param manualCutover      whether each migration waits, caught up, for a cutover request
 */
public record StartMigration(String scope, @Nullable String orderId, @Nullable String tag, @Nullable String store,
                             @Nullable String targetStore, @Nullable Boolean transform,
                             @Nullable Double maxEventsPerSecond, @Nullable Boolean manualCutover) {

    /** Whether the copy transforms; absent: no. */
    boolean transforms() {
        return Boolean.TRUE.equals(transform);
    }

    /** The rate limit; absent: 0, none. */
    double rate() {
        return maxEventsPerSecond == null ? 0 : maxEventsPerSecond;
    }

    /** Whether the cutover waits for a request; absent: no. */
    boolean manual() {
        return Boolean.TRUE.equals(manualCutover);
    }
}
