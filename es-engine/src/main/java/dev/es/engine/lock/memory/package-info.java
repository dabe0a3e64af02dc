/**
 * Lease locks in this JVM, the embedded default. Everything here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.es.engine.lock.memory;

import org.jspecify.annotations.NullMarked;
