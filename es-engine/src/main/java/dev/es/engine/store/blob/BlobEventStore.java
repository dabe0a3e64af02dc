package dev.es.engine.store.blob;

import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.AppendBlobRequestConditions;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.AppendBlobCreateOptions;
import com.azure.storage.blob.specialized.AppendBlobClient;
import dev.es.engine.Identifiers;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.AppendResult;
import dev.es.engine.store.Appends;
import dev.es.engine.store.CommitFailedException;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.EventStreamClosedException;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.WrongExpectedVersionException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An event store in Azure Blob Storage. A stream is a row of <em>append blobs</em>, its chunks, named
 * {@code <prefix>/<streamId>/<chunk index, 10 digits>}; a chunk takes appends until it holds {@code chunkSize}
 * events (the batch that fills it may overshoot), then the next chunk is started. Each chunk records its first
 * version and its capacity in its metadata when it is created.
 *
 * <h2>Appends</h2>
 * Every append is one append block (atomic: readers see all of the batch or none of it) made on the condition that
 * the chunk still has the length the writer read ({@code appendPosition}), so two clients, in one process or in two,
 * can never both append at the same version: the loser re-reads and gets a {@link WrongExpectedVersionException}
 * when the version moved. A new chunk is created with {@code If-None-Match: *}; a client that loses that race
 * re-reads. An append costs two small reads (properties and the fixed-width trailer at the end of the last chunk,
 * which holds the stream's version and whether it is closed) and one write of the events appended; nothing is
 * rewritten and the stream is never read whole.
 *
 * <h2>Idempotent re-appends</h2>
 * A condition that names a version (exact, no stream, or the {@link ExpectedVersion#retryOfAny(long) retry of an
 * any() append} that {@link CommitFailedException#retryCondition()} gives) tells where an earlier attempt would have
 * put the batch: when the stream moved past that version, the events right after it are read (as many as the batch
 * holds: a page read, however far back they are) and a batch found there whole is not written again. A condition that matches
 * the stream needs no lookup: a retry of a batch that was written always finds the stream moved. A plain
 * {@link ExpectedVersion#any() any} append knows no position: its ids are looked up in the stream's last
 * {@code chunkSize} events at least (the last chunk and the chunks before it as needed), so a plain any() retry made
 * after more than that many events of other writers writes the batch again; retry with
 * {@link CommitFailedException#retryCondition()} instead.
 *
 * <h2>Fencing</h2>
 * A stream's fence is kept in the metadata of its last chunk ({@code fence}; absent means 0), which the tail read
 * returns with the chunk's properties, and every append is also conditioned on the ETag of the chunk it read: a
 * {@link #raiseFence raise} changes the metadata (and so the ETag) on the condition of the ETag it read, so an
 * append decided on the old fence fails with 412, re-reads and sees the new one. A new chunk starts with the fence
 * of the chunk before it, which is final: a full chunk of an open stream is never changed (a raise then starts the
 * next chunk with the new fence; a closed stream never gets another chunk). The chunk format is unchanged, so
 * streams written before fencing existed read and append as they did.
 *
 * <h2>Limits</h2>
 * One append must fit in one append block ({@value #MAX_APPEND_BYTES} bytes, encoded), else it fails with
 * {@link AppendTooLargeException} before anything is written. Chunks stay well below the 50,000 blocks an append blob
 * holds. An append whose outcome is unknown (timeout, connection lost, server error) is a
 * {@link CommitFailedException}; retrying it with the same events is safe.
 *
 * <h2>Reads</h2>
 * A page read lists the stream's chunks (one listing, with their first versions and ETags) and downloads the chunks
 * that hold the page; the last few chunks read are kept, by ETag, so reading a stream page by page downloads each
 * chunk once. All clients of one stream must use the same prefix; they may use different chunk sizes (a chunk keeps
 * the capacity it was created with).
 */
public final class BlobEventStore implements EventStore {

    /** The largest append block the service accepts: one append must fit in it. */
    public static final int MAX_APPEND_BYTES = 4 * 1024 * 1024;
    /** The default number of events per chunk. */
    public static final int DEFAULT_CHUNK_SIZE = 1000;
    /** The most events a chunk may be made to hold: each append is a block, and an append blob holds 50,000. */
    public static final int MAX_CHUNK_SIZE = 40_000;

    private static final Logger log = LoggerFactory.getLogger(BlobEventStore.class);
    private static final String FIRST_VERSION = "firstversion";
    private static final String CAPACITY = "capacity";
    private static final String FENCE = "fence";
    private static final int MAX_BLOCKS = 50_000;
    private static final int MAX_ATTEMPTS = 200;
    private static final int CACHED_CHUNKS = 4;
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(60);

    private final BlobContainerClient container;
    private final String name;
    private final String prefix;
    private final int chunkSize;
    private final Clock clock;
    private final Map<String, Integer> lastChunks = new ConcurrentHashMap<>();
    private final Map<String, List<StoredEvent>> chunkCache = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, List<StoredEvent>> eldest) {
                    return size() > CACHED_CHUNKS;
                }
            });

    /** A store named {@code name} with its streams under {@code events/<name>}, 1000 events per chunk. */
    public BlobEventStore(BlobContainerClient container, String name) {
        this(container, name, DEFAULT_CHUNK_SIZE);
    }

    /** A store named {@code name} with its streams under {@code events/<name>}. */
    public BlobEventStore(BlobContainerClient container, String name, int chunkSize) {
        this(container, name, "events/" + name, chunkSize, Clock.systemUTC());
    }

    /**
     * A store named {@code name} with its streams under {@code prefix}.
     *
     * @param chunkSize events per chunk, 1 to {@value #MAX_CHUNK_SIZE}
     */
    public BlobEventStore(BlobContainerClient container, String name, String prefix, int chunkSize, Clock clock) {
        this.container = Objects.requireNonNull(container, "container");
        this.name = Identifiers.requireStoreName(name);
        this.prefix = Blobs.requirePrefix(prefix, 1 + Identifiers.MAX_STREAM_ID_LENGTH + 1 + 10);
        if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException("chunkSize must be 1 to " + MAX_CHUNK_SIZE + ", was " + chunkSize);
        }
        this.chunkSize = chunkSize;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return name;
    }

    /** The container holding the streams. */
    public BlobContainerClient container() {
        return container;
    }

    /** Events per chunk for the chunks this store starts. */
    public int chunkSize() {
        return chunkSize;
    }

    @Override
    public boolean isReachable() {
        return BlobContainers.isReachable(container, "Blob store '" + name + "'");
    }

    // ---------------------------------------------------------------- reads

    @Override
    public List<StoredEvent> read(String streamId, long fromVersion, int maxCount) {
        Appends.validateRead(streamId, fromVersion, maxCount);
        List<Chunk> chunks = listChunks(streamId);
        int start = 0;
        for (int i = 0; i < chunks.size(); i++) {
            if (chunks.get(i).firstVersion() <= fromVersion) {
                start = i;
            }
        }
        List<StoredEvent> page = new ArrayList<>(Math.min(maxCount, 1024));
        for (int i = start; i < chunks.size() && page.size() < maxCount; i++) {
            for (StoredEvent e : chunkEvents(streamId, chunks.get(i))) {
                if (e.version() >= fromVersion && page.size() < maxCount) {
                    page.add(e);
                }
            }
        }
        return page;
    }

    @Override
    public long version(String streamId) {
        Identifiers.requireStreamId(streamId);
        return tail(streamId).version();
    }

    @Override
    public StoredEvent lastEvent(String streamId) {
        Identifiers.requireStreamId(streamId);
        Tail t = tail(streamId);
        if (t.version() == 0) {
            return null;
        }
        if (t.chunkEvents() == 0) {
            return EventStore.super.lastEvent(streamId);
        }
        List<StoredEvent> batch = lastBatch(streamId, t);
        return batch.isEmpty() ? null : batch.get(batch.size() - 1);
    }

    // ---------------------------------------------------------------- appends

    @Override
    public AppendResult append(String streamId, ExpectedVersion expected, List<EventData> events) {
        Appends.validate(streamId, expected, events);
        return appendChecked(streamId, expected, events, Appends.UNFENCED);
    }

    @Override
    public AppendResult append(String streamId, ExpectedVersion expected, List<EventData> events, long fencingToken) {
        Appends.validate(streamId, expected, events);
        Appends.requireFencingToken(fencingToken);
        return appendChecked(streamId, expected, events, fencingToken);
    }

    private AppendResult appendChecked(String streamId, ExpectedVersion expected, List<EventData> events,
                                       long fencingToken) {
        Instant now = clock.instant();
        List<byte[]> lines = new ArrayList<>(events.size());
        long size = BatchCodec.TRAILER_LENGTH;
        for (EventData event : events) {
            byte[] line = BatchCodec.line(event, now);
            lines.add(line);
            size += line.length;
        }
        if (size > MAX_APPEND_BYTES) {
            throw new AppendTooLargeException(streamId, events.size(), size, MAX_APPEND_BYTES);
        }
        boolean closes = events.get(events.size() - 1).isCloseEvent();
        for (int attempt = 1; ; attempt++) {
            Tail t = tail(streamId);
            Appends.checkFence(streamId, fencingToken, t.fence());
            if (expected.retryPosition() >= 0) {
                // an exact version, no stream, or the retry of an any() append: the batch can only be where the
                // earlier attempt put it
                AppendResult written = Appends.retriedAt(this, streamId, expected, events, t.version());
                if (written != null) {
                    return written;
                }
            } else if (t.version() > 0) {
                Map<String, Long> ids = idsInTail(streamId, t);
                long existing = Appends.alreadyWritten(streamId, events, id -> ids.getOrDefault(id, -1L));
                if (existing >= 0) {
                    return new AppendResult(streamId, name, existing - events.size(), existing, true);
                }
            }
            if (t.closed()) {
                throw new EventStreamClosedException(streamId, closeEvent(streamId, t));
            }
            if (!expected.matches(t.version())) {
                throw new WrongExpectedVersionException(streamId, expected, t.version());
            }
            if (attempt > MAX_ATTEMPTS) {
                throw new CommitFailedException(streamId, expected, t.version(), t.version() + events.size(), false,
                        new IllegalStateException("gave up after " + MAX_ATTEMPTS + " attempts lost to other writers"));
            }
            int target = t.chunk();
            long position = t.length();
            String etag = t.etag();
            if (t.chunk() < 0 || t.full()) {
                target = t.chunk() + 1;
                position = 0;
                etag = createChunk(streamId, target, t.version() + 1, t.fence());
                if (etag == null) {
                    continue;
                }
            }
            long newVersion = t.version() + events.size();
            byte[] record = BatchCodec.record(lines, newVersion, closes);
            try {
                appendBlob(streamId, target).appendBlockWithResponse(new ByteArrayInputStream(record), record.length,
                        null, new AppendBlobRequestConditions().setAppendPosition(position).setIfMatch(etag),
                        WRITE_TIMEOUT, Context.NONE);
                lastChunks.put(streamId, target);
                return new AppendResult(streamId, name, t.version(), newVersion, false);
            } catch (BlobStorageException e) {
                if (Blobs.isStatus(e, 412, 409)) {
                    log.debug("Append to stream '{}' at version {} lost a race; re-reading", streamId, t.version());
                    continue;
                }
                if (Blobs.isStatus(e, 404)) {
                    lastChunks.remove(streamId);
                    continue;
                }
                boolean mayBeWritten = e.getStatusCode() >= 500 || e.getStatusCode() == 408;
                throw new CommitFailedException(streamId, expected, t.version(), newVersion, mayBeWritten, e);
            } catch (RuntimeException e) {
                throw new CommitFailedException(streamId, expected, t.version(), newVersion, true, e);
            }
        }
    }

    @Override
    public boolean supportsFencing() {
        return true;
    }

    /**
     * Raises the fence in the metadata of the stream's last chunk, on the condition that the chunk still has the
     * ETag it was read with: an append decided on the old fence (it is conditioned on that ETag) then fails and
     * re-reads. A full last chunk is never changed (the next chunk copies its fence when it starts): the fence goes
     * into a new, empty next chunk instead, unless the stream is closed.
     */
    @Override
    public void raiseFence(String streamId, long token) {
        Identifiers.requireStreamId(streamId);
        Appends.requireFencingToken(token);
        for (int attempt = 1; ; attempt++) {
            Tail t = tail(streamId);
            if (t.fence() >= token) {
                return;
            }
            if (attempt > MAX_ATTEMPTS) {
                throw new IllegalStateException("Raising the fence of stream '" + streamId + "' of store '" + name
                        + "' to " + token + " gave up after " + MAX_ATTEMPTS + " attempts lost to other writers");
            }
            if (t.chunk() < 0 || (t.full() && !t.closed())) {
                if (createChunk(streamId, t.chunk() + 1, t.version() + 1, token) != null) {
                    log.debug("Raised the fence of stream '{}' to {} in a new chunk", streamId, token);
                    return;
                }
                continue;
            }
            Map<String, String> metadata = new HashMap<>(t.metadata());
            metadata.put(FENCE, String.valueOf(token));
            try {
                container.getBlobClient(chunkName(streamId, t.chunk())).setMetadataWithResponse(metadata,
                        new BlobRequestConditions().setIfMatch(t.etag()), WRITE_TIMEOUT, Context.NONE);
                log.debug("Raised the fence of stream '{}' to {}", streamId, token);
                return;
            } catch (BlobStorageException e) {
                if (Blobs.isStatus(e, 412)) {
                    continue; // the chunk changed: read it again
                }
                if (Blobs.isStatus(e, 404)) {
                    lastChunks.remove(streamId);
                    continue;
                }
                throw e;
            }
        }
    }

    @Override
    public void delete(String streamId) {
        Identifiers.requireStreamId(streamId);
        List<Chunk> chunks = listChunks(streamId);
        for (int i = chunks.size() - 1; i >= 0; i--) {
            container.getBlobClient(chunkName(streamId, chunks.get(i).index())).deleteIfExists();
        }
        lastChunks.remove(streamId);
    }

    // ---------------------------------------------------------------- chunks

    /** What the end of a stream looks like: its last chunk and the trailer that ends it. */
    private record Tail(int chunk, long length, long firstVersion, int capacity, int blocks, long version,
                        boolean closed, int lastRecordBytes, String etag, long fence, Map<String, String> metadata) {

        static final Tail EMPTY = new Tail(-1, 0, 1, 0, 0, 0, false, 0, null, 0, Map.of());

        long chunkEvents() {
            return version - firstVersion + 1;
        }

        boolean full() {
            return chunkEvents() >= capacity || blocks >= MAX_BLOCKS - 1;
        }
    }

    /** A chunk as a listing shows it. */
    private record Chunk(int index, long firstVersion, String etag) {
    }

    /**
     * The events of a chunk, from the cache when the chunk has not changed since (its ETag is the same); paged reads
     * of one chunk then download it once.
     */
    private List<StoredEvent> chunkEvents(String streamId, Chunk chunk) {
        String blobName = chunkName(streamId, chunk.index());
        List<StoredEvent> cached = chunk.etag() == null ? null : chunkCache.get(blobName + "@" + chunk.etag());
        if (cached != null) {
            return cached;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            var response = container.getBlobClient(blobName).downloadStreamWithResponse(out, null, null, null, false,
                    null, Context.NONE);
            byte[] data = out.toByteArray();
            List<StoredEvent> events = List.copyOf(BatchCodec.parse(data, 0, data.length));
            chunkCache.put(blobName + "@" + response.getDeserializedHeaders().getETag(), events);
            return events;
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return List.of(); // deleted meanwhile
            }
            throw e;
        }
    }

    private Tail tail(String streamId) {
        Integer cached = lastChunks.get(streamId);
        int index = cached == null ? lastChunkByListing(streamId) : cached;
        boolean listed = cached == null;
        while (true) {
            if (index < 0) {
                lastChunks.remove(streamId);
                return Tail.EMPTY;
            }
            BlobProperties props = properties(chunkName(streamId, index));
            if (props == null) {
                if (listed) {
                    // deleted while we looked; the stream is being deleted or was just recreated
                    index = lastChunkByListing(streamId);
                    if (index < 0) {
                        lastChunks.remove(streamId);
                        return Tail.EMPTY;
                    }
                    continue;
                }
                index = lastChunkByListing(streamId);
                listed = true;
                continue;
            }
            Tail t = readTail(streamId, index, props);
            if (t.full()) {
                BlobProperties next = properties(chunkName(streamId, index + 1));
                if (next != null) {
                    index++;
                    Tail nextTail = readTail(streamId, index, next);
                    if (nextTail.full()) {
                        continue;
                    }
                    lastChunks.put(streamId, index);
                    return nextTail;
                }
            }
            lastChunks.put(streamId, index);
            return t;
        }
    }

    private Tail readTail(String streamId, int index, BlobProperties props) {
        Map<String, String> md = props.getMetadata();
        long first = Long.parseLong(md.getOrDefault(FIRST_VERSION, "1"));
        int capacity = Integer.parseInt(md.getOrDefault(CAPACITY, String.valueOf(chunkSize)));
        long fence = Long.parseLong(md.getOrDefault(FENCE, "0"));
        long length = props.getBlobSize();
        int blocks = props.getCommittedBlockCount() == null ? 0 : props.getCommittedBlockCount();
        if (length == 0) {
            return new Tail(index, 0, first, capacity, blocks, first - 1, false, 0, props.getETag(), fence, md);
        }
        byte[] bytes = download(chunkName(streamId, index),
                new BlobRange(length - BatchCodec.TRAILER_LENGTH, (long) BatchCodec.TRAILER_LENGTH));
        if (bytes == null || bytes.length != BatchCodec.TRAILER_LENGTH) {
            throw new IllegalStateException("Chunk " + chunkName(streamId, index) + " changed while read");
        }
        BatchCodec.Trailer trailer = BatchCodec.parseTrailer(bytes, 0);
        return new Tail(index, length, first, capacity, blocks, trailer.lastVersion(), trailer.closes(),
                trailer.recordBytes(), props.getETag(), fence, md);
    }

    private List<StoredEvent> lastBatch(String streamId, Tail t) {
        byte[] bytes = download(chunkName(streamId, t.chunk()),
                new BlobRange(t.length() - t.lastRecordBytes(), (long) t.lastRecordBytes()));
        return bytes == null ? List.of() : BatchCodec.parse(bytes, 0, bytes.length);
    }

    private CloseEvent closeEvent(String streamId, Tail t) {
        List<StoredEvent> batch = lastBatch(streamId, t);
        return CloseEvent.from(batch.get(batch.size() - 1));
    }

    /**
     * The event ids of the stream's last {@code chunkSize} events at least: the last chunk, and the chunks before it
     * until that many events are covered.
     */
    private Map<String, Long> idsInTail(String streamId, Tail t) {
        Map<String, Long> ids = new HashMap<>();
        long covered = 0;
        for (int index = t.chunk(); index >= 0 && covered < chunkSize; index--) {
            byte[] data = index == t.chunk()
                    ? (t.length() == 0 ? new byte[0] : download(chunkName(streamId, index), new BlobRange(0, t.length())))
                    : download(chunkName(streamId, index), null);
            if (data == null) {
                break; // deleted meanwhile
            }
            int to = index == t.chunk() ? (int) Math.min(data.length, t.length()) : data.length;
            List<StoredEvent> chunk = BatchCodec.parse(data, 0, to);
            for (StoredEvent e : chunk) {
                ids.put(e.eventId(), e.version());
            }
            covered += chunk.size();
        }
        return ids;
    }

    /**
     * Starts a chunk, carrying the stream's fence so far.
     *
     * @return the new chunk's ETag, or {@code null} when another client started it first
     */
    private String createChunk(String streamId, int index, long firstVersion, long fence) {
        Map<String, String> metadata = new HashMap<>();
        metadata.put(FIRST_VERSION, String.valueOf(firstVersion));
        metadata.put(CAPACITY, String.valueOf(chunkSize));
        if (fence > 0) {
            metadata.put(FENCE, String.valueOf(fence));
        }
        try {
            String etag = appendBlob(streamId, index).createWithResponse(new AppendBlobCreateOptions()
                    .setMetadata(metadata)
                    .setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*")), WRITE_TIMEOUT,
                    Context.NONE).getValue().getETag();
            log.debug("Started chunk {} of stream '{}' at version {}", index, streamId, firstVersion);
            return etag;
        } catch (BlobStorageException e) {
            if (Blobs.isStatus(e, 409, 412)) {
                return null;
            }
            throw e;
        }
    }

    private int lastChunkByListing(String streamId) {
        List<Chunk> chunks = listChunks(streamId);
        return chunks.isEmpty() ? -1 : chunks.get(chunks.size() - 1).index();
    }

    private List<Chunk> listChunks(String streamId) {
        String streamPrefix = prefix + "/" + streamId + "/";
        List<Chunk> chunks = new ArrayList<>();
        ListBlobsOptions options = new ListBlobsOptions().setPrefix(streamPrefix)
                .setDetails(new BlobListDetails().setRetrieveMetadata(true));
        for (BlobItem item : container.listBlobs(options, null)) {
            String suffix = item.getName().substring(streamPrefix.length());
            if (suffix.length() != 10 || !suffix.chars().allMatch(Character::isDigit)) {
                continue;
            }
            Map<String, String> md = item.getMetadata() == null ? Map.of() : item.getMetadata();
            chunks.add(new Chunk(Integer.parseInt(suffix), Long.parseLong(md.getOrDefault(FIRST_VERSION, "1")),
                    item.getProperties() == null ? null : item.getProperties().getETag()));
        }
        chunks.sort((a, b) -> Integer.compare(a.index(), b.index()));
        return chunks;
    }

    private BlobProperties properties(String blobName) {
        try {
            return container.getBlobClient(blobName).getProperties();
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    private byte[] download(String blobName, BlobRange range) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            container.getBlobClient(blobName).downloadStreamWithResponse(out, range, null, null, false, null,
                    Context.NONE);
            return out.toByteArray();
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    private AppendBlobClient appendBlob(String streamId, int index) {
        return container.getBlobClient(chunkName(streamId, index)).getAppendBlobClient();
    }

    private String chunkName(String streamId, int index) {
        return prefix + "/" + streamId + "/" + String.format("%010d", index);
    }
}
