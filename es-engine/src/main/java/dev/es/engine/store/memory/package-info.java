/**
 * The in-memory stores, the embedded default. Everything here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.es.engine.store.memory;

import org.jspecify.annotations.NullMarked;
