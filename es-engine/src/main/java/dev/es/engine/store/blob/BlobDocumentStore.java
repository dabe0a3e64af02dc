package dev.es.engine.store.blob;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.BlockBlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import dev.es.engine.CorruptDataException;
import dev.es.engine.Identifiers;
import dev.es.engine.document.DocumentConcurrencyException;
import dev.es.engine.document.DocumentStore;
import dev.es.engine.document.ObjectDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Object documents as JSON blobs, {@code <prefix>/<objectName>/<objectId>.json}. A document's etag is its blob's
 * ETag: a create is conditional on {@code If-None-Match: *}, an update and a delete on {@code If-Match: <etag>}, so
 * a stale writer gets a {@link DocumentConcurrencyException} whatever process it runs in.
 */
public final class BlobDocumentStore implements DocumentStore {

    static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final String SUFFIX = ".json";

    private final BlobContainerClient container;
    private final String prefix;

    /** A store with its documents under {@code documents/}. */
    public BlobDocumentStore(BlobContainerClient container) {
        this(container, "documents");
    }

    public BlobDocumentStore(BlobContainerClient container, String prefix) {
        this.container = Objects.requireNonNull(container, "container");
        this.prefix = Blobs.requirePrefix(prefix,
                2 + Identifiers.MAX_NAME_LENGTH + Identifiers.MAX_OBJECT_ID_LENGTH + SUFFIX.length());
    }

    @Override
    public Optional<ObjectDocument> get(String objectName, String objectId) {
        BlobClient blob = blob(objectName, objectId);
        try {
            var response = blob.downloadContentWithResponse(null, null, null, Context.NONE);
            ObjectDocument document = decode(objectName, objectId, response.getValue().toBytes());
            return Optional.of(document.withEtag(response.getDeserializedHeaders().getETag()));
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * The document stored for {@code objectName}/{@code objectId}: bytes changed outside es, or a document of another
     * object under this one's name, are a {@link CorruptDataException} naming the object.
     */
    private ObjectDocument decode(String objectName, String objectId, byte[] bytes) {
        ObjectDocument document;
        try {
            document = MAPPER.readValue(bytes, ObjectDocument.class);
        } catch (RuntimeException garbled) {
            throw corrupt(objectName, objectId, CorruptDataException.reasonOf(garbled), garbled);
        }
        if (document == null || document.active() == null) {
            throw corrupt(objectName, objectId, "it names no active stream", null);
        }
        if (!objectName.equals(document.objectName()) || !objectId.equals(document.objectId())) {
            throw corrupt(objectName, objectId, "it is the document of " + document.objectName() + "/"
                    + document.objectId(), null);
        }
        return document;
    }

    private CorruptDataException corrupt(String objectName, String objectId, String reason, Throwable cause) {
        return new CorruptDataException("document " + objectName + "/" + objectId, "container "
                + container.getBlobContainerName(), reason, cause);
    }

    @Override
    public ObjectDocument create(ObjectDocument document) {
        Objects.requireNonNull(document, "document");
        try {
            return document.withEtag(upload(document, new BlobRequestConditions().setIfNoneMatch("*")));
        } catch (BlobStorageException e) {
            if (Blobs.isStatus(e, 409, 412)) {
                throw new DocumentConcurrencyException(document.objectName(), document.objectId(), null);
            }
            throw e;
        }
    }

    @Override
    public ObjectDocument update(ObjectDocument document) {
        Objects.requireNonNull(document, "document");
        if (document.etag() == null) {
            throw new DocumentConcurrencyException(document.objectName(), document.objectId(), null);
        }
        try {
            return document.withEtag(upload(document, new BlobRequestConditions().setIfMatch(document.etag())));
        } catch (BlobStorageException e) {
            if (Blobs.isStatus(e, 404, 409, 412)) {
                throw new DocumentConcurrencyException(document.objectName(), document.objectId(), document.etag(), false);
            }
            throw e;
        }
    }

    @Override
    public void delete(String objectName, String objectId, String etag) {
        BlobClient blob = blob(objectName, objectId);
        try {
            blob.deleteWithResponse(null, new BlobRequestConditions().setIfMatch(etag), null, Context.NONE);
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return;
            }
            if (Blobs.isStatus(e, 409, 412)) {
                throw new DocumentConcurrencyException(objectName, objectId, etag, false);
            }
            throw e;
        }
    }

    @Override
    public List<String> objectIds(String objectName) {
        String dir = prefix + "/" + Identifiers.requireObjectName(objectName) + "/";
        List<String> ids = new ArrayList<>();
        for (String name : Blobs.names(container, dir)) {
            String rest = name.substring(dir.length());
            if (rest.endsWith(SUFFIX) && rest.indexOf('/') < 0) {
                ids.add(rest.substring(0, rest.length() - SUFFIX.length()));
            }
        }
        return ids;
    }

    /**
     * One page of ids in {@code String} order. The service lists blob names in UTF-8 byte order with the
     * {@code .json} suffix, which is not that order, so each page walks the object name's listing lazily and keeps
     * only the {@code limit} smallest ids after {@code after}: memory stays at one page whatever the number of
     * documents; the listing is read once per page.
     */
    @Override
    public List<String> objectIds(String objectName, @Nullable String after, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be 1 or more, was " + limit);
        }
        String dir = prefix + "/" + Identifiers.requireObjectName(objectName) + "/";
        TreeSet<String> smallest = new TreeSet<>();
        for (BlobItem item : container.listBlobs(new ListBlobsOptions().setPrefix(dir).setMaxResultsPerPage(5000),
                null)) {
            String rest = item.getName().substring(dir.length());
            if (!rest.endsWith(SUFFIX) || rest.indexOf('/') >= 0) {
                continue;
            }
            String id = rest.substring(0, rest.length() - SUFFIX.length());
            if (after != null && id.compareTo(after) <= 0) {
                continue;
            }
            if (smallest.size() < limit) {
                smallest.add(id);
            } else if (id.compareTo(smallest.last()) < 0) {
                smallest.pollLast();
                smallest.add(id);
            }
        }
        return List.copyOf(smallest);
    }

    @Override
    public List<String> objectNames() {
        String dir = prefix + "/";
        List<String> names = new ArrayList<>();
        for (BlobItem item : container.listBlobsByHierarchy("/", new ListBlobsOptions().setPrefix(dir), null)) {
            if (Boolean.TRUE.equals(item.isPrefix())) {
                String name = item.getName().substring(dir.length());
                names.add(name.endsWith("/") ? name.substring(0, name.length() - 1) : name);
            }
        }
        return names;
    }

    /** The container holding the documents. */
    public BlobContainerClient container() {
        return container;
    }

    @Override
    public boolean isReachable() {
        return BlobContainers.isReachable(container, "Blob document store");
    }

    private String upload(ObjectDocument document, BlobRequestConditions conditions) {
        byte[] json = MAPPER.writeValueAsBytes(document.withEtag(null));
        BlobClient blob = blob(document.objectName(), document.objectId());
        var response = blob.uploadWithResponse(new BlobParallelUploadOptions(BinaryData.fromBytes(json))
                .setHeaders(new BlobHttpHeaders().setContentType("application/json"))
                .setRequestConditions(conditions), null, Context.NONE);
        BlockBlobItem item = response.getValue();
        return item.getETag();
    }

    private BlobClient blob(String objectName, String objectId) {
        return container.getBlobClient(prefix + "/" + Identifiers.requireObjectName(objectName) + "/"
                + Identifiers.requireObjectId(objectId) + SUFFIX);
    }
}
