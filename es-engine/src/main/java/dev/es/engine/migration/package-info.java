/**
 * Live migration: the service, its builder and handle, the protocol's steps, routing entries. Everything here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.es.engine.migration;

import org.jspecify.annotations.NullMarked;
