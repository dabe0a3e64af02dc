/**
 * Document and stream tags. Everything here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.es.engine.tag;

import org.jspecify.annotations.NullMarked;
