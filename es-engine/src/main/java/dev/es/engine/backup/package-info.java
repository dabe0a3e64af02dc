/**
 * Backup and restore of objects: their streams, document and tags, written in a self-describing, checksummed format
 * to a {@link dev.es.engine.backup.BackupStorage} and restored only when intact.
 */
@NullMarked
package dev.es.engine.backup;

import org.jspecify.annotations.NullMarked;
