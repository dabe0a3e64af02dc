package dev.es.engine.store.blob;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.models.BlobStorageException;
import java.util.Objects;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Container names and provisioning for the blob stores. A missing container is created only when allowed; nothing is
 * ever deleted or recreated.
 */
public final class BlobContainers {

    private static final Logger log = LoggerFactory.getLogger(BlobContainers.class);
    private static final Pattern NAME = Pattern.compile("[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*");

    private BlobContainers() {
    }

    /**
     * Checks {@code name} against Azure's container naming rules.
     *
     * @throws InvalidContainerNameException naming the bad value and the rule
     */
    public static String requireValidName(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidContainerNameException(name, "it is empty");
        }
        if (name.length() < 3 || name.length() > 63) {
            throw new InvalidContainerNameException(name, "it is " + name.length() + " characters long");
        }
        if (!NAME.matcher(name).matches()) {
            throw new InvalidContainerNameException(name, "it holds characters or hyphens that are not allowed");
        }
        return name;
    }

    /**
     * The client of container {@code name}, created first if it is missing and {@code autoProvision} allows it.
     *
     * @throws InvalidContainerNameException when the name is not valid
     * @throws ContainerNotFoundException    when the container is missing and may not be created
     */
    public static BlobContainerClient prepare(BlobServiceClient service, String name, boolean autoProvision) {
        Objects.requireNonNull(service, "service");
        requireValidName(name);
        BlobContainerClient container = service.getBlobContainerClient(name);
        if (container.exists()) {
            return container;
        }
        if (!autoProvision) {
            throw new ContainerNotFoundException(name);
        }
        try {
            container.create();
            log.info("Created blob container '{}'", name);
        } catch (BlobStorageException e) {
            if (e.getStatusCode() != 409) {
                throw e;
            }
            // created meanwhile by someone else
        }
        return container;
    }

    /** Whether {@code container} answers and exists; for the health checks of every blob-backed store. */
    public static boolean isReachable(BlobContainerClient container, String what) {
        try {
            return container.exists();
        } catch (RuntimeException e) {
            log.debug("{} is not reachable", what, e);
            return false;
        }
    }
}
