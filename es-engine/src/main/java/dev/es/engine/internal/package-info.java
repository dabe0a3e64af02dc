/**
 * Internal helpers of the engine, shared across its packages. Not part of the API: they may change in any release;
 * applications and store implementations should not use them. Everything here is non-null unless marked
 * {@code @Nullable}.
 */
@NullMarked
package dev.es.engine.internal;

import org.jspecify.annotations.NullMarked;
