/**
 * Events: what is appended, what is stored, close events, and their JSON. Everything here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.es.engine.event;

import org.jspecify.annotations.NullMarked;
