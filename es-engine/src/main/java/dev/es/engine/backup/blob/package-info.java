/** The {@code blob} backup storage: one block blob per part in an Azure Blob container. */
@NullMarked
package dev.es.engine.backup.blob;

import org.jspecify.annotations.NullMarked;
