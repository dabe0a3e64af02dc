package dev.es.engine.store.blob;

import dev.es.engine.EsException;

/** The blob container a store needs does not exist, and creating it was not allowed. */
public class ContainerNotFoundException extends EsException {

    private final String containerName;

    public ContainerNotFoundException(String containerName) {
        super("Blob container '" + containerName + "' does not exist; create it, or allow the store to create it"
                + " (auto-provision=true)");
        this.containerName = containerName;
    }

    public String containerName() {
        return containerName;
    }
}
