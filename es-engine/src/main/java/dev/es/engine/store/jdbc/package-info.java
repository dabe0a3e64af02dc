/**
 * The PostgreSQL stores: events, documents, tags, routing table, and how they get connections. Everything here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.es.engine.store.jdbc;

import org.jspecify.annotations.NullMarked;
