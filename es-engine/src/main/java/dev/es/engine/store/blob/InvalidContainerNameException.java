package dev.es.engine.store.blob;

import dev.es.engine.ErrorCategory;
import dev.es.engine.EsException;
import org.jspecify.annotations.Nullable;

/** A blob container name Azure Storage would refuse: 3 to 63 lowercase letters, digits and single hyphens. */
public class InvalidContainerNameException extends EsException {

    private final @Nullable String containerName;

    public InvalidContainerNameException(@Nullable String containerName, String reason) {
        super("Invalid blob container name " + (containerName == null ? "null" : "'" + containerName + "'") + ": "
                + reason + " (a container name is 3 to 63 characters: lowercase letters, digits and single hyphens,"
                + " starting and ending with a letter or digit)");
        this.containerName = containerName;
    }

    /** The rejected name, possibly {@code null}. */
    public @Nullable String containerName() {
        return containerName;
    }

    /** {@link ErrorCategory#USAGE}: the request is wrong. */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.USAGE;
    }
}
