package dev.es.engine.backup;

import org.jspecify.annotations.Nullable;

/**
 * What a backup of one object holds and where it goes.
 *
 * @param provider              the backup storage to write to, or {@code null} for the service's default
 * @param includeHistory        whether the terminated streams that still hold history (their events were not copied
 *                              into a continuation) are backed up with the active stream; default {@code true}
 * @param includeObjectDocument whether the object document itself is kept in the manifest; default {@code false}
 *                              (its active and terminated streams are recorded either way)
 * @param compressed            whether the event parts are gzip-compressed; default {@code true}
 */
public record BackupOptions(@Nullable String provider, boolean includeHistory, boolean includeObjectDocument,
                            boolean compressed) {

    /** Every stream that holds history, compressed, to the default storage, without the document. */
    public static BackupOptions defaults() {
        return new BackupOptions(null, true, false, true);
    }

    /** These options writing to the storage named {@code name}. */
    public BackupOptions withProvider(String name) {
        return new BackupOptions(name, includeHistory, includeObjectDocument, compressed);
    }

    /** These options keeping the object document in the backup. */
    public BackupOptions withObjectDocument() {
        return new BackupOptions(provider, includeHistory, true, compressed);
    }

    /** These options backing up only the active stream. */
    public BackupOptions withActiveStreamOnly() {
        return new BackupOptions(provider, false, includeObjectDocument, compressed);
    }

    /** These options with gzip-compressed parts ({@code true}) or plain JSON lines. */
    public BackupOptions withCompression(boolean gzip) {
        return new BackupOptions(provider, includeHistory, includeObjectDocument, gzip);
    }

    /** A builder of options, for callbacks such as a migration's {@code withBackup(b -> ...)}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link BackupOptions} step by step; every method answers the builder. */
    public static final class Builder {

        private BackupOptions options = defaults();

        /** Writes to the storage named {@code name}. */
        public Builder provider(String name) {
            options = options.withProvider(name);
            return this;
        }

        /** Keeps the object document in the backup. */
        public Builder includeObjectDocument() {
            options = options.withObjectDocument();
            return this;
        }

        /** Backs up only the active stream. */
        public Builder activeStreamOnly() {
            options = options.withActiveStreamOnly();
            return this;
        }

        /** Compresses the event parts (the default). */
        public Builder compressed() {
            options = options.withCompression(true);
            return this;
        }

        /** Writes plain JSON lines. */
        public Builder uncompressed() {
            options = options.withCompression(false);
            return this;
        }

        /** The options built. */
        public BackupOptions build() {
            return options;
        }
    }
}
