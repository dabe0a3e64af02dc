/** The {@code file} backup storage: one directory per backup. */
@NullMarked
package dev.es.engine.backup.file;

import org.jspecify.annotations.NullMarked;
