/**
 * Aggregates: state rebuilt from an object's events, and the repository that loads and saves them. Everything here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.es.engine.aggregate;

import org.jspecify.annotations.NullMarked;
