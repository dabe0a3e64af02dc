package dev.es.engine.backup;

import java.util.List;

/** A backup failed validation; a restore refuses it before writing anything. */
public class CorruptBackupException extends BackupException {

    private final List<BackupProblem> problems;

    public CorruptBackupException(String backupId, List<BackupProblem> problems) {
        super(backupId, "Backup '" + backupId + "' is damaged: " + problems);
        this.problems = List.copyOf(problems);
    }

    /** Everything found wrong, the first problem first. */
    public List<BackupProblem> problems() {
        return problems;
    }

    /** The first problem found. */
    public BackupProblem problem() {
        return problems.get(0);
    }
}
