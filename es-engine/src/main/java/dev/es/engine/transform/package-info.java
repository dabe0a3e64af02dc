/**
 * Event transformers: upcasting and reshaping events while they are copied. Everything here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.es.engine.transform;

import org.jspecify.annotations.NullMarked;
