/**
 * Lease locks as rows in PostgreSQL. Everything here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.es.engine.lock.jdbc;

import org.jspecify.annotations.NullMarked;
