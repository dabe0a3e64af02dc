package dev.es.engine.backup;

import dev.es.engine.ErrorCategory;

/** A backup was asked for an object that has no document. */
public class ObjectNotFoundException extends BackupException {

    private final String objectName;
    private final String objectId;

    public ObjectNotFoundException(String objectName, String objectId) {
        super(null, "No object document " + objectName + "/" + objectId + " to back up");
        this.objectName = objectName;
        this.objectId = objectId;
    }

    public String objectName() {
        return objectName;
    }

    public String objectId() {
        return objectId;
    }

    /** {@link ErrorCategory#USAGE}: the object does not exist. */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.USAGE;
    }
}
