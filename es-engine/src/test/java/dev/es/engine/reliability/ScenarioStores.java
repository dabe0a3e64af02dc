package dev.es.engine.reliability;

import dev.es.engine.document.DocumentStore;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.migration.MigrationRoutingTable;
import dev.es.engine.store.EventStore;
import dev.es.engine.support.MutableClock;
import dev.es.engine.tag.TagStore;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * The real stores one randomized scenario runs on: event stores {@code main} and {@code other}, documents, tags, the
 * routing table, and a lock provider per application instance over the same leases.
 *
 * @param locks      the lock provider of application instance {@code i} (each as a separate process would have)
 * @param leaseClock the clock the lock providers count leases by, when the scenario may move it to make leases run
 *                   out (lost locks); {@code null} when it cannot
 */
record ScenarioStores(EventStore main, EventStore other, DocumentStore documents, TagStore tags,
                      MigrationRoutingTable routing, IntFunction<DistributedLockProvider> locks,
                      @Nullable MutableClock leaseClock) {
}
