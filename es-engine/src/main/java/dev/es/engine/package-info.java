/**
 * The es engine: identifiers, the base exception and its error categories. Everything here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.es.engine;

import org.jspecify.annotations.NullMarked;
