/**
 * Event streams: an object's stream through its document, with automatic retry on closed streams. Everything here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.es.engine.stream;

import org.jspecify.annotations.NullMarked;
