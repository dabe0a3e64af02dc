/**
 * The actuator side of es: the migrations and backups endpoints and health. Everything here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.es.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
