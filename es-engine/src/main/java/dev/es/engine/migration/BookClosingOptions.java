package dev.es.engine.migration;

import dev.es.engine.Identifiers;
import org.jspecify.annotations.Nullable;

/**
 * What book closing does with the closed source after the cutover ({@link MigrationBuilder#withBookClosing}): copy
 * it, close event included, to an archive store, and/or delete it. Without either the source stays where it was,
 * closed. A deleted source keeps only its close event, toward the same continuation, so that a writer still standing
 * on it is sent on; reads never needed it (a migrated source is read through its continuation). The archive is
 * recorded in the document's terminated-stream entry ({@code archiveStreamId}, {@code archiveStore}).
 */
public final class BookClosingOptions {

    private @Nullable String archiveStore;
    private @Nullable String archiveStreamId;
    private boolean deleteSource;

    BookClosingOptions() {
    }

    /**
     * Copies the closed source to {@code storeName}, a configured store, under the source's stream id (or
     * {@code <source>-archive} when it is the source's own store).
     */
    public BookClosingOptions archiveTo(String storeName) {
        this.archiveStore = Identifiers.requireStoreName(storeName);
        this.archiveStreamId = null;
        return this;
    }

    /** Copies the closed source to the stream {@code streamId} of the store {@code storeName}. */
    public BookClosingOptions archiveTo(String storeName, String streamId) {
        this.archiveStore = Identifiers.requireStoreName(storeName);
        this.archiveStreamId = Identifiers.requireStreamId(streamId);
        return this;
    }

    /**
     * Whether to delete the closed source's events once the cutover is done (and the archive, if asked, is written and
     * recorded). Refused together with {@code withRollbackSupport()}, which keeps the source.
     */
    public BookClosingOptions deleteSource(boolean delete) {
        this.deleteSource = delete;
        return this;
    }

    Settings snapshot() {
        return new Settings(archiveStore, archiveStreamId, deleteSource);
    }

    /**
     * Book closing as fixed when the migration starts.
     *
     * @param archiveStore    the archive's store, or {@code null} for no archive
     * @param archiveStreamId the archive's stream id, or {@code null} for the default
     */
    record Settings(@Nullable String archiveStore, @Nullable String archiveStreamId, boolean deleteSource) {

        boolean archives() {
            return archiveStore != null;
        }

        boolean doesAnything() {
            return archiveStore != null || deleteSource;
        }
    }
}
