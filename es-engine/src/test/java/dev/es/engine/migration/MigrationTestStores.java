package dev.es.engine.migration;

import dev.es.engine.document.DocumentStore;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.store.EventStore;
import dev.es.engine.tag.TagStore;

/**
 * The stores a live-migration test runs on: two event stores (named {@code main} and {@code other}), documents,
 * tags, locks and the routing table.
 */
public record MigrationTestStores(EventStore main, EventStore other, DocumentStore documents, TagStore tags,
                                  DistributedLockProvider locks, MigrationRoutingTable routing) {
}
