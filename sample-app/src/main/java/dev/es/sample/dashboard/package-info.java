/**
 * The dashboard served at {@code /}: the orders with their active stream and store, live migrations started from the
 * page (one order, a tag, a whole store), and a live view fed by Server-Sent Events that the engine's progress
 * callbacks and {@link dev.es.engine.migration.MigrationListener} produce. Everything here is non-null unless marked
 * {@code @Nullable}.
 */
@NullMarked
package dev.es.sample.dashboard;

import org.jspecify.annotations.NullMarked;
