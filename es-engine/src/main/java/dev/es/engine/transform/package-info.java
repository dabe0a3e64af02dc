/**
 * Event transformers: upcasting and reshaping events while a migration copies them ({@link
 * dev.es.engine.transform.EventTransformer}), and lazy upcasters applied on read with nothing copied ({@link
 * dev.es.engine.transform.EventUpcaster}, {@link dev.es.engine.transform.UpcasterChain}). Everything here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.es.engine.transform;

import org.jspecify.annotations.NullMarked;
