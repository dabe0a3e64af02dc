/**
 * Lease locks as Azure blob leases. Everything here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.es.engine.lock.blob;

import org.jspecify.annotations.NullMarked;
