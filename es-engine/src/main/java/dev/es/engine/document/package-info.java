/**
 * Object documents: which stream is an object's active one, and its history of terminated streams. Everything here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.es.engine.document;

import org.jspecify.annotations.NullMarked;
