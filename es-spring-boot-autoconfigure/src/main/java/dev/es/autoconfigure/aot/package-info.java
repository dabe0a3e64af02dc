/**
 * Native images and AOT: {@link dev.es.autoconfigure.aot.RegisterEsEvents @RegisterEsEvents} registers the
 * application's event classes for reflection, {@link dev.es.autoconfigure.aot.EsEventHints} does it from a
 * {@code RuntimeHintsRegistrar} of one's own. Everything here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.es.autoconfigure.aot;

import org.jspecify.annotations.NullMarked;
