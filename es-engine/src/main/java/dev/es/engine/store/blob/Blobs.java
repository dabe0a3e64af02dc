package dev.es.engine.store.blob;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Small helpers shared by the blob stores. */
final class Blobs {

    /** Longest blob name the service accepts. */
    static final int MAX_NAME_LENGTH = 1024;

    private Blobs() {
    }

    static boolean isStatus(BlobStorageException e, int... codes) {
        for (int code : codes) {
            if (e.getStatusCode() == code) {
                return true;
            }
        }
        return false;
    }

    static String requirePrefix(String prefix, int roomNeeded) {
        if (prefix == null || prefix.isBlank() || prefix.startsWith("/") || prefix.endsWith("/")
                || prefix.contains("//")) {
            throw new IllegalArgumentException("Blob name prefix must be non-blank, without leading, trailing or"
                    + " doubled '/', was '" + prefix + "'");
        }
        if (prefix.length() + roomNeeded > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("Blob name prefix '" + prefix + "' is too long: names built on it"
                    + " could exceed " + MAX_NAME_LENGTH + " characters");
        }
        return prefix;
    }

    /** Names of the blobs under {@code prefix}, in the service's (lexicographic) order. */
    static List<String> names(BlobContainerClient container, String prefix) {
        List<String> names = new ArrayList<>();
        for (BlobItem item : container.listBlobs(new ListBlobsOptions().setPrefix(prefix), null)) {
            names.add(item.getName());
        }
        return names;
    }

    /** The blob's content, or {@code null} when it does not exist. */
    static @Nullable BinaryData downloadOrNull(BlobClient blob) {
        try {
            return blob.downloadContent();
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    /** A synchronized map that forgets its least recently used entry past {@code max} entries. */
    static <V> Map<String, V> leastRecentlyUsed(int max) {
        return Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > max;
            }
        });
    }
}
