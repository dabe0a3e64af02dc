/**
 * The Spring Boot auto-configuration of es: properties, stores, streams, locks, migrations, and their start-up checks. Everything here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.es.autoconfigure;

import org.jspecify.annotations.NullMarked;
