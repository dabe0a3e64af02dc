package dev.es.engine.backup;

import dev.es.engine.Identifiers;
import dev.es.engine.document.ObjectDocument;
import java.util.Objects;

/** The objects a bulk backup covers; documents are read one at a time as the backup reaches them. */
public sealed interface BackupSelection {

    /** The given documents (read again when their turn comes, so that the backup is of their current state). */
    static BackupSelection documents(Iterable<ObjectDocument> documents) {
        return new Documents(documents);
    }

    /** Every document of {@code objectName}. */
    static BackupSelection objectName(String objectName) {
        return new ObjectName(objectName);
    }

    /** Every document of {@code objectName} that carries {@code tag}. */
    static BackupSelection tag(String objectName, String tag) {
        return new Tag(objectName, tag);
    }

    /** Every document whose active stream lives in event store {@code store}. */
    static BackupSelection store(String store) {
        return new Store(store);
    }

    /** An explicit collection of documents. */
    record Documents(Iterable<ObjectDocument> documents) implements BackupSelection {
        public Documents {
            Objects.requireNonNull(documents, "documents");
        }
    }

    /** All documents of one object name. */
    record ObjectName(String objectName) implements BackupSelection {
        public ObjectName {
            Identifiers.requireObjectName(objectName);
        }
    }

    /** The documents of one object name that carry a tag. */
    record Tag(String objectName, String tag) implements BackupSelection {
        public Tag {
            Identifiers.requireObjectName(objectName);
            Identifiers.requireTag(tag);
        }
    }

    /** The documents whose active stream lives in one event store. */
    record Store(String store) implements BackupSelection {
        public Store {
            Identifiers.requireStoreName(store);
        }
    }
}
