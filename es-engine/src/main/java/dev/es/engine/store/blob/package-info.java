/**
 * The Azure Blob Storage stores: events, documents, tags and routing table. Everything here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.es.engine.store.blob;

import org.jspecify.annotations.NullMarked;
