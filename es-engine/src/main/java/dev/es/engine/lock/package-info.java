/**
 * Distributed locks with fencing tokens: the lock SPI, the lease algorithm and its storage SPI. Everything here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.es.engine.lock;

import org.jspecify.annotations.NullMarked;
