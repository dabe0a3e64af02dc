package dev.es.engine.backup;

import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * How a bulk backup runs.
 *
 * @param backup          the options of each object's backup
 * @param maxConcurrency  how many objects are backed up at once, 1 or more (default 4)
 * @param continueOnError whether a failed object is recorded and the rest backed up (default {@code true}); when
 *                        {@code false} the first failure stops handing out objects
 * @param onProgress      called after every object, or {@code null}
 */
public record BulkBackupOptions(BackupOptions backup, int maxConcurrency, boolean continueOnError,
                                @Nullable Consumer<BulkBackupProgress> onProgress) {

    public BulkBackupOptions {
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("maxConcurrency must be 1 or more, was " + maxConcurrency);
        }
    }

    /** Default backups, 4 at once, continuing past failures. */
    public static BulkBackupOptions defaults() {
        return new BulkBackupOptions(BackupOptions.defaults(), 4, true, null);
    }

    /** These options backing each object up with {@code options}. */
    public BulkBackupOptions backup(BackupOptions options) {
        return new BulkBackupOptions(options, maxConcurrency, continueOnError, onProgress);
    }

    /** These options with at most {@code n} backups at once. */
    public BulkBackupOptions maxConcurrency(int n) {
        return new BulkBackupOptions(backup, n, continueOnError, onProgress);
    }

    /** These options continuing past a failed object, or not. */
    public BulkBackupOptions continueOnError(boolean continueOnError) {
        return new BulkBackupOptions(backup, maxConcurrency, continueOnError, onProgress);
    }

    /** These options reporting progress to {@code callback}. */
    public BulkBackupOptions onProgress(Consumer<BulkBackupProgress> callback) {
        return new BulkBackupOptions(backup, maxConcurrency, continueOnError, callback);
    }
}
