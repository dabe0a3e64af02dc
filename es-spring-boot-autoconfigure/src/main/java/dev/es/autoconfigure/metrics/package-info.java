/**
 * Micrometer meters and observations of es's appends and migrations. Everything here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.es.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
