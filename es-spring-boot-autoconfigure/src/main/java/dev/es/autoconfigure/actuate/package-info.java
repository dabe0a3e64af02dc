/**
 * The actuator side of es: the migrations endpoint and health. Everything here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.es.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
