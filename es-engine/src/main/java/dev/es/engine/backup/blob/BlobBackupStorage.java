package dev.es.engine.backup.blob;

import com.azure.core.http.rest.PagedIterable;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import dev.es.engine.backup.BackupStorage;
import dev.es.engine.backup.PartOutput;
import dev.es.engine.store.blob.BlobContainers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code blob} backup storage: backups kept in an Azure Blob container, one block blob per part, named
 * {@code <prefix>/<backupId>/<part>} (prefix {@value #DEFAULT_PREFIX} unless given).
 * <p>
 * A part is written as a stream with bounded memory: its bytes are staged as uncommitted blocks of at most
 * {@value #BLOCK_SIZE} bytes as they come, and {@link PartOutput#commit()} commits the block list on the condition
 * {@code If-None-Match: *}, so a reader never sees half a part and an existing part is never replaced. A part closed
 * without a commit leaves only uncommitted blocks, which nobody can read and which the service discards by itself
 * (after a week in Azure).
 * <p>
 * The container must exist: this storage never creates it (wire it with {@link BlobContainers#prepare}, which does
 * when allowed). When it is missing, every method fails with an {@link IOException} that says so, and
 * {@link #isReachable()} answers {@code false}.
 */
public final class BlobBackupStorage implements BackupStorage {

    /** The name this storage answers to. */
    public static final String NAME = "blob";
    /** The blob name prefix the backups are under unless another is given. */
    public static final String DEFAULT_PREFIX = "backups";
    /** The largest block staged: the most memory a part being written holds. */
    public static final int BLOCK_SIZE = 4 * 1024 * 1024;
    /** The most blocks one block blob can have committed. */
    static final int MAX_BLOCKS = 50_000;

    private static final Logger log = LoggerFactory.getLogger(BlobBackupStorage.class);
    private static final int MAX_NAME_LENGTH = 1024;
    /** The longest backup id and part name {@code BackupIds} lets through. */
    private static final int MAX_ID_LENGTH = 128;
    private static final int FIRST_BUFFER = 64 * 1024;

    private final String name;
    private final BlobContainerClient container;
    private final String prefix;
    private final int blockSize;
    private final @Nullable Integer pageSize;

    /** A storage named {@value #NAME} with its backups under {@value #DEFAULT_PREFIX} in {@code container}. */
    public BlobBackupStorage(BlobContainerClient container) {
        this(NAME, container, DEFAULT_PREFIX);
    }

    /**
     * A storage named {@code name} with its backups under {@code prefix} in {@code container}.
     *
     * @param prefix the blob name prefix, without leading, trailing or doubled {@code /}
     */
    public BlobBackupStorage(String name, BlobContainerClient container, String prefix) {
        this(name, container, prefix, BLOCK_SIZE, null);
    }

    /** For tests: smaller blocks, and listing pages of {@code pageSize} items. */
    BlobBackupStorage(String name, BlobContainerClient container, String prefix, int blockSize,
                      @Nullable Integer pageSize) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("Backup storage name must not be blank");
        }
        this.name = name;
        this.container = Objects.requireNonNull(container, "container");
        this.prefix = requirePrefix(prefix);
        if (blockSize < 1 || blockSize > BLOCK_SIZE) {
            throw new IllegalArgumentException("blockSize must be 1 to " + BLOCK_SIZE + ", was " + blockSize);
        }
        this.blockSize = blockSize;
        this.pageSize = pageSize;
    }

    private static String requirePrefix(String prefix) {
        if (prefix == null || prefix.isBlank() || prefix.startsWith("/") || prefix.endsWith("/")
                || prefix.contains("//")) {
            throw new IllegalArgumentException("Blob name prefix must be non-blank, without leading, trailing or"
                    + " doubled '/', was '" + prefix + "'");
        }
        if (prefix.length() + 2 * (1 + MAX_ID_LENGTH) > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("Blob name prefix '" + prefix + "' is too long: part names built on"
                    + " it could exceed " + MAX_NAME_LENGTH + " characters");
        }
        return prefix;
    }

    @Override
    public String name() {
        return name;
    }

    /** The container the backups are in. */
    public BlobContainerClient container() {
        return container;
    }

    /** The blob name prefix the backups are under. */
    public String prefix() {
        return prefix;
    }

    @Override
    public PartOutput create(String backupId, String part) throws IOException {
        String blobName = blobName(backupId, part);
        BlobClient blob = container.getBlobClient(blobName);
        // fail fast, before any byte is staged; the commit's condition is what guarantees it
        if (exists(blob, "check backup part " + blobName)) {
            throw partExists(blobName, null);
        }
        return new BlobPartOutput(blob.getBlockBlobClient(), blobName);
    }

    @Override
    public Optional<InputStream> open(String backupId, String part) throws IOException {
        String blobName = blobName(backupId, part);
        try {
            return Optional.of(container.getBlobClient(blobName).openInputStream());
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404 && !isContainerMissing(e)) {
                return Optional.empty();
            }
            throw failure("open backup part " + blobName, e);
        }
    }

    @Override
    public Set<String> parts(String backupId) throws IOException {
        String directory = directory(backupId);
        Set<String> parts = new TreeSet<>();
        try {
            for (BlobItem item : container.listBlobs(listOptions(directory), null)) {
                String part = item.getName().substring(directory.length());
                if (!part.isEmpty() && part.indexOf('/') < 0) {
                    parts.add(part);
                }
            }
        } catch (BlobStorageException e) {
            throw failure("list the parts of backup " + backupId, e);
        }
        return parts;
    }

    @Override
    public Stream<String> backupIds() throws IOException {
        String root = prefix + "/";
        Iterator<BlobItem> items;
        try {
            PagedIterable<BlobItem> listing = container.listBlobsByHierarchy("/", listOptions(root), null);
            items = listing.iterator();
            items.hasNext(); // asks for the first page now, so that a missing container fails here
        } catch (BlobStorageException e) {
            throw failure("list the backups", e);
        }
        Iterator<String> ids = new Iterator<>() {
            private @Nullable String next;

            @Override
            public boolean hasNext() {
                try {
                    while (next == null && items.hasNext()) {
                        BlobItem item = items.next();
                        // a virtual directory holds at least one committed blob; uncommitted ones are not listed
                        if (Boolean.TRUE.equals(item.isPrefix())) {
                            String id = item.getName().substring(root.length());
                            id = id.endsWith("/") ? id.substring(0, id.length() - 1) : id;
                            if (!id.isEmpty()) {
                                next = id;
                            }
                        }
                    }
                } catch (BlobStorageException e) {
                    throw new UncheckedIOException(failure("list the backups", e));
                }
                return next != null;
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                String id = Objects.requireNonNull(next);
                next = null;
                return id;
            }
        };
        // the service lists names in ascending (lexicographic) order, a page at a time
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(ids,
                Spliterator.ORDERED | Spliterator.DISTINCT | Spliterator.NONNULL), false);
    }

    @Override
    public boolean delete(String backupId) throws IOException {
        String directory = directory(backupId);
        boolean deleted = false;
        try {
            for (BlobItem item : container.listBlobs(listOptions(directory), null)) {
                try {
                    container.getBlobClient(item.getName()).delete();
                    deleted = true;
                } catch (BlobStorageException e) {
                    if (e.getStatusCode() != 404 || isContainerMissing(e)) {
                        throw e;
                    }
                    // deleted meanwhile by someone else
                }
            }
        } catch (BlobStorageException e) {
            throw failure("delete backup " + backupId, e);
        }
        if (deleted) {
            log.debug("Deleted backup '{}' from {}", backupId, this);
        }
        return deleted;
    }

    @Override
    public boolean isReachable() {
        return BlobContainers.isReachable(container, "Backup storage '" + name + "'"); // catches and logs failures
    }

    @Override
    public String toString() {
        return "BlobBackupStorage[" + name + " at " + container.getBlobContainerName() + "/" + prefix + "]";
    }

    private String directory(String backupId) {
        return prefix + "/" + backupId + "/";
    }

    private String blobName(String backupId, String part) {
        return directory(backupId) + part;
    }

    private ListBlobsOptions listOptions(String namePrefix) {
        ListBlobsOptions options = new ListBlobsOptions().setPrefix(namePrefix);
        if (pageSize != null) {
            options.setMaxResultsPerPage(pageSize);
        }
        return options;
    }

    private boolean exists(BlobClient blob, String what) throws IOException {
        try {
            blob.getProperties();
            return true;
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404 && !isContainerMissing(e)) {
                return false;
            }
            throw failure(what, e);
        }
    }

    private static boolean isContainerMissing(BlobStorageException e) {
        return e.getStatusCode() == 404 && BlobErrorCode.CONTAINER_NOT_FOUND.equals(e.getErrorCode());
    }

    /** {@code e} as an {@link IOException} saying what failed, with the status code and the service's message. */
    private IOException failure(String what, BlobStorageException e) {
        if (isContainerMissing(e)) {
            return new IOException("Blob container '" + container.getBlobContainerName() + "' of backup storage '"
                    + name + "' does not exist (404 ContainerNotFound, on trying to " + what + "); create it, or"
                    + " let es create it (auto-provision=true)", e);
        }
        String message = e.getServiceMessage();
        if (message == null || message.isBlank()) {
            message = e.getMessage();
        }
        return new IOException("Backup storage '" + name + "' failed to " + what + ": status " + e.getStatusCode()
                + (e.getErrorCode() == null ? "" : " " + e.getErrorCode()) + ": " + firstLine(message), e);
    }

    private static String firstLine(@Nullable String message) {
        if (message == null) {
            return "";
        }
        int end = message.indexOf('\n');
        return (end < 0 ? message : message.substring(0, end)).strip();
    }

    private FileAlreadyExistsException partExists(String blobName, @Nullable BlobStorageException cause) {
        FileAlreadyExistsException e = new FileAlreadyExistsException(container.getBlobContainerName() + "/"
                + blobName, null, "backup part exists"
                + (cause == null ? "" : " (status " + cause.getStatusCode() + " " + cause.getErrorCode() + ")"));
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    /**
     * Stages the bytes written as blocks of at most {@code blockSize}, each as soon as it is full, and commits the
     * block list on {@link #commit()}. Its block ids carry a random writer id, so that two writers of the same part
     * never stage over each other's blocks.
     */
    private final class BlobPartOutput extends PartOutput {

        private final BlockBlobClient blob;
        private final String blobName;
        private final String writerId = UUID.randomUUID().toString();
        private final List<String> blockIds = new ArrayList<>();
        private final MessageDigest md5;
        private byte[] buffer = new byte[0];
        private int count;
        private boolean done;

        BlobPartOutput(BlockBlobClient blob, String blobName) {
            this.blob = blob;
            this.blobName = blobName;
            try {
                this.md5 = MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("MD5 is missing from this JVM", e);
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            ensureOpen();
            while (len > 0) {
                if (count == blockSize) {
                    stage();
                }
                int room = blockSize - count;
                int n = Math.min(room, len);
                if (count + n > buffer.length) {
                    // grows as needed, up to one block: a small part holds little memory
                    int capacity = Math.max(buffer.length, FIRST_BUFFER);
                    while (capacity < count + n) {
                        capacity *= 2;
                    }
                    buffer = Arrays.copyOf(buffer, Math.min(capacity, blockSize));
                }
                System.arraycopy(b, off, buffer, count, n);
                count += n;
                off += n;
                len -= n;
            }
        }

        private void ensureOpen() throws IOException {
            if (done) {
                throw new IOException("Backup part " + blobName + " is already committed or discarded");
            }
        }

        /** Stages the buffer as the next block and empties it. */
        private void stage() throws IOException {
            if (blockIds.size() >= MAX_BLOCKS) {
                throw new IOException("Backup part " + blobName + " is too large: a block blob holds at most "
                        + MAX_BLOCKS + " blocks of " + blockSize + " bytes");
            }
            String blockId = Base64.getEncoder().encodeToString(
                    String.format("%s-%06d", writerId, blockIds.size()).getBytes(StandardCharsets.US_ASCII));
            md5.reset();
            md5.update(buffer, 0, count);
            BinaryData data = BinaryData.fromByteBuffer(ByteBuffer.wrap(buffer, 0, count).asReadOnlyBuffer());
            try {
                blob.stageBlockWithResponse(new BlockBlobStageBlockOptions(blockId, data).setContentMd5(md5.digest()),
                        null, Context.NONE);
            } catch (BlobStorageException e) {
                throw failure("write backup part " + blobName, e);
            }
            blockIds.add(blockId);
            count = 0;
        }

        @Override
        public void commit() throws IOException {
            ensureOpen();
            done = true;
            try {
                if (count > 0) {
                    stage();
                }
                // an empty list makes an empty blob; If-None-Match: * never replaces one that exists
                blob.commitBlockListWithResponse(new BlockBlobCommitBlockListOptions(blockIds)
                        .setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*")), null, Context.NONE);
            } catch (BlobStorageException e) {
                if ((e.getStatusCode() == 409 || e.getStatusCode() == 412) && !isContainerMissing(e)) {
                    throw partExists(blobName, e);
                }
                throw failure("commit backup part " + blobName, e);
            } finally {
                buffer = new byte[0];
                count = 0;
            }
        }

        @Override
        public void close() {
            if (!done) {
                done = true;
                buffer = new byte[0];
                count = 0;
                if (!blockIds.isEmpty()) {
                    log.debug("Discarded backup part {} ({} blocks staged, left uncommitted for the service to"
                            + " drop)", blobName, blockIds.size());
                }
            }
        }
    }
}
