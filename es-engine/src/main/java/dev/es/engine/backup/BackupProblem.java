package dev.es.engine.backup;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One thing wrong with a stored backup, as {@link BackupRestoreService#validate(String)} finds it.
 *
 * @param kind   what is wrong
 * @param part   the part concerned, or {@code null} when the backup as a whole is
 * @param detail what was expected and what was found
 */
public record BackupProblem(Kind kind, @Nullable String part, String detail) {

    /** The kinds of damage a backup can have. */
    public enum Kind {
        /** The manifest part is absent: the backup never finished, or it was removed. */
        MANIFEST_MISSING,
        /** The manifest is not a manifest this code can read. */
        MANIFEST_UNREADABLE,
        /** The manifest names a format version this code does not know. */
        UNKNOWN_FORMAT_VERSION,
        /** A part the manifest lists is absent. */
        PART_MISSING,
        /** A part's size differs from the manifest's. */
        SIZE_MISMATCH,
        /** A part's (or the whole content's) SHA-256 differs from the manifest's. */
        CHECKSUM_MISMATCH,
        /** A part holds a different number of events than the manifest says. */
        COUNT_MISMATCH,
        /** A part cannot be decoded: truncated, not gzip, not JSON lines, or an event that is not valid. */
        CONTENT_UNREADABLE,
        /** A part's event versions are not the contiguous range the manifest says. */
        VERSION_GAP
    }

    public BackupProblem {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
        return kind + (part == null ? "" : " in " + part) + ": " + detail;
    }
}
