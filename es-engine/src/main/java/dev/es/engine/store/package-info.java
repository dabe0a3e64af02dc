/**
 * The event store SPI, its conditions, results and refusals. Everything here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.es.engine.store;

import org.jspecify.annotations.NullMarked;
