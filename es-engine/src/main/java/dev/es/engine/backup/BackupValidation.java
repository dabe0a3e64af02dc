package dev.es.engine.backup;

import java.util.List;

/**
 * What {@link BackupRestoreService#validate(String)} found: nothing, or every problem, the first found first.
 *
 * @param backupId    the backup checked
 * @param eventsRead  the events read and checked
 * @param problems    what is wrong; empty when the backup is intact
 */
public record BackupValidation(String backupId, long eventsRead, List<BackupProblem> problems) {

    public BackupValidation {
        problems = List.copyOf(problems);
    }

    /** Whether the backup is intact: a restore accepts it. */
    public boolean isValid() {
        return problems.isEmpty();
    }

    /** {@link CorruptBackupException} for these problems, unless there are none. */
    public BackupValidation orThrow() {
        if (!isValid()) {
            throw new CorruptBackupException(backupId, problems);
        }
        return this;
    }
}
