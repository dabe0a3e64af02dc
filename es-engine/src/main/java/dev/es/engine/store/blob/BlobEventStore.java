package dev.es.engine.store.blob;

import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.AppendBlobItem;
import com.azure.storage.blob.models.AppendBlobRequestConditions;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobLeaseRequestConditions;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.LeaseStatusType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobAcquireLeaseOptions;
import com.azure.storage.blob.options.BlobBreakLeaseOptions;
import com.azure.storage.blob.options.BlobReleaseLeaseOptions;
import com.azure.storage.blob.options.AppendBlobCreateOptions;
import com.azure.storage.blob.specialized.AppendBlobClient;
import com.azure.storage.blob.specialized.BlobLeaseClient;
import com.azure.storage.blob.specialized.BlobLeaseClientBuilder;
import dev.es.engine.CorruptDataException;
import dev.es.engine.Identifiers;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.internal.Backoff;
import dev.es.engine.internal.EventLines;
import dev.es.engine.store.AppendResult;
import dev.es.engine.store.Appends;
import dev.es.engine.store.CommitFailedException;
import dev.es.engine.store.DuplicateEventIdException;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.EventStreamClosedException;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.WriterHold;
import dev.es.engine.store.WriterHoldExpiredException;
import dev.es.engine.store.WrongExpectedVersionException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
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
 * the chunk still has the length the writer knows ({@code appendPosition}) and still has the ETag it knows
 * ({@code If-Match}), so two clients, in one process or in two, can never both append at the same version: the
 * loser re-reads and gets a {@link WrongExpectedVersionException} when the version moved. A new chunk is created
 * with {@code If-None-Match: *}; a client that loses that race re-reads. Nothing is rewritten and the stream is
 * never read whole.
 *
 * <p>The tail of each stream (its last chunk, that chunk's length, ETag, capacity and block count, the stream's
 * version, whether it is closed, its fence) is kept per stream after each append and each read of the tail; the
 * append block's answer gives the new ETag and the offset it was written at. The next append goes straight to the
 * known append position with the known ETag: on the happy path an append is <em>one</em> request. When another
 * client appended, rolled the chunk over or raised the fence meanwhile, the condition fails (412), the tail is read
 * again (the chunk's properties, then the fixed-width trailer at the end of the chunk unless the ETag is the one
 * known) and the append goes on from there as it would have. A refusal (closed, version conflict, stale fencing
 * token, a batch already written) is only ever given on a tail read for that append, never on the kept one alone.
 *
 * <p>A writer whose append goes straight to the kept tail wins most races against one that must read the tail
 * first, so two writers in two processes appending back to back to one stream could leave one of them losing for
 * seconds. An append that lost {@value #RACES_BEFORE_TURN} races in a row therefore takes its turn: a lease on the
 * last chunk (the other writers wait, as for a hold below), the tail read under it, its append with the lease id,
 * the release. Four requests more, only for a writer that keeps losing; a writer that dies in its turn holds the
 * others until the lease runs out (15 s).
 *
 * <h2>Idempotent re-appends</h2>
 * A condition that names a version (exact, no stream, or the {@link ExpectedVersion#retryOfAny(long) retry of an
 * any() append} that {@link CommitFailedException#retryCondition()} gives) tells where an earlier attempt would have
 * put the batch: when the stream moved past that version, the events right after it are read (as many as the batch
 * holds: a page read, however far back they are) and a batch found there whole is not written again. A condition
 * that matches the stream needs no lookup: a retry of a batch that was written always finds the stream moved. A
 * plain {@link ExpectedVersion#any() any} append knows no position: its ids are looked up in the stream's last
 * {@code chunkSize} events at least, so a plain any() retry made after more than that many events of other writers
 * writes the batch again; retry with {@link CommitFailedException#retryCondition()} instead. Those ids are kept in
 * memory per stream (for the {@value #CACHED_WINDOWS} streams most recently appended to with any()), built once
 * from the last chunks, extended with what this client appends and, when the tail moved, with a ranged read of
 * only the bytes appended since: an any() append does not download chunks each time.
 *
 * <h2>Fencing</h2>
 * A stream's fence is kept in the metadata of its last chunk ({@code fence}; absent means 0), which the tail read
 * returns with the chunk's properties, and every append is also conditioned on the ETag of the chunk it knows: a
 * {@link #raiseFence raise} changes the metadata (and so the ETag) on the condition of the ETag it read, so an
 * append decided on the old fence fails with 412, re-reads and sees the new one. A new chunk starts with the fence
 * of the chunk before it, which is final: a full chunk of an open stream is never changed (a raise then starts the
 * next chunk with the new fence; a closed stream never gets another chunk). Appends that never pause can win that
 * race every time, so from the third lost one a raise takes a short lease on the chunk (appends wait, as for a
 * hold), reads it and writes the fence under the lease, and releases it. The chunk format is unchanged, so streams
 * written before fencing existed read and append as they did.
 *
 * <h2>Holding writers</h2>
 * {@link #holdWriters} holds the writers of a stream, in every process, with a <em>lease</em> on the stream's last
 * chunk (starting the next chunk first when the last one is full, so that the leased chunk is never full when the
 * hold starts; the lease is asked for on the ETag read and, once an append came in between, without a condition, the
 * chunk then read under it): the holder's appends carry the lease id, everyone else's append block is refused by the
 * service ({@code 412 LeaseIdMissing}). Such an append reads the tail again and, while the chunk is leased, waits (5
 * ms, doubling up to 50 ms, reading only the chunk's properties) for at most {@value #HOLD_WAIT_SECONDS} s: when the
 * holder appended a close meanwhile it gets {@link EventStreamClosedException} (the engine then follows the
 * continuation), when the hold is lifted without one it appends on the stream as usual. It never fails because of a
 * hold shorter than that, never writes twice and never loses a write. The holder's appends all go to the leased
 * chunk (it may overshoot its capacity), and nobody starts a chunk after a leased one, so the roll-over cannot
 * escape the hold. Leases last 15 to 60 s (the service's bounds): a hold asks for {@code maxHold} rounded up into
 * that range, renews it when {@code maxHold} is longer and releases it when closed or when {@code maxHold} has
 * passed. A holder that dies without closing its hold therefore holds the writers until its lease runs out, up to 60
 * s and at least 15 s. {@link #raiseFence Raising the fence} breaks a hold (the holder's later appends are refused
 * as stale, or ran out), and {@link #delete} deletes a held stream. Writers of a version before holds existed do not
 * wait: they fail after their retries ({@link CommitFailedException}, nothing written).
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
    /** How long an append waits, at the most, while the writers of its stream are held (2 x the longest lease). */
    public static final int HOLD_WAIT_SECONDS = 120;

    private static final Logger log = LoggerFactory.getLogger(BlobEventStore.class);
    private static final String FIRST_VERSION = "firstversion";
    private static final String CAPACITY = "capacity";
    private static final String FENCE = "fence";
    private static final int MAX_BLOCKS = 50_000;
    private static final int MAX_ATTEMPTS = 200;
    /** Races in a row an append loses to other writers before it takes its turn under a lease. */
    private static final int RACES_BEFORE_TURN = 10;
    /** Races a fence raise loses to appends before it takes a lease to keep them out ({@link #raiseFence}). */
    private static final int RAISE_RACES_BEFORE_LEASE = 3;
    /** Appends that lose races to other writers: from the third, a pause of 1 ms doubling up to 50 ms. */
    private static final Backoff LOST_RACES = new Backoff(Duration.ofMillis(1), Duration.ofMillis(50), MAX_ATTEMPTS);
    private static final int CACHED_CHUNKS = 4;
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(60);
    /** Streams whose tail is kept; past that, an arbitrary one is forgotten (it is read again when needed). */
    private static final int CACHED_TAILS = 10_000;
    /** Streams whose last event ids (for plain any() appends) are kept, least recently used first out. */
    static final int CACHED_WINDOWS = 64;
    /** Chunks whose client is kept. */
    static final int CACHED_CLIENTS = 1024;
    private static final int MIN_LEASE_SECONDS = 15;
    private static final int MAX_LEASE_SECONDS = 60;
    private static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** Renews and releases the leases of holds; one daemon thread for every store. */
    private static final ScheduledThreadPoolExecutor HOLD_TIMER = holdTimer();

    private final BlobContainerClient container;
    private final String name;
    private final String prefix;
    private final int chunkSize;
    private final Clock clock;
    /** The last known tail of each stream (see "Appends" above). */
    private final Map<String, Tail> tails = new ConcurrentHashMap<>();
    /** The last event ids of streams appended to with plain any(). */
    private final Map<String, IdWindow> windows = Blobs.leastRecentlyUsed(CACHED_WINDOWS);
    private final Map<String, List<StoredEvent>> chunkCache = Blobs.leastRecentlyUsed(CACHED_CHUNKS);
    /** The clients of the chunks most recently appended to or created. */
    private final Map<String, AppendBlobClient> appendClients = Blobs.leastRecentlyUsed(CACHED_CLIENTS);

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
    public @Nullable StoredEvent lastEvent(String streamId) {
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

    /** One append block: {@value #MAX_APPEND_BYTES} bytes. */
    @Override
    public OptionalLong maxEventBytes() {
        return OptionalLong.of(MAX_APPEND_BYTES);
    }

    /** The event's line as an append would write it, plus the batch trailer. */
    @Override
    public long eventBytes(EventData event) {
        return BatchCodec.line(event, clock.instant()).length + (long) BatchCodec.TRAILER_LENGTH;
    }

    @Override
    public AppendResult appendValidated(String streamId, ExpectedVersion expected, List<EventData> events,
                                        long fencingToken) {
        return appendChecked(streamId, expected, events, fencingToken, null);
    }

    /**
     * The append: as a writer ({@code hold} null), or as the holder of {@code hold}: then on the held chunk with
     * the lease id, and refused with {@link WriterHoldExpiredException} once the hold ran out or lost its lease.
     */
    private AppendResult appendChecked(String streamId, ExpectedVersion expected, List<EventData> events,
                                       long fencingToken, BlobWriterHold hold) {
        String now = EventLines.instant(clock.instant());
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
        Tail t = hold != null ? hold.tail : tails.get(streamId);
        // a refusal or an early answer is only given on a tail read for this append (fresh), never on the kept one
        boolean fresh = t == null;
        if (fresh) {
            t = tail(streamId);
        }
        Backoff.Retry races = LOST_RACES.start();
        boolean leaseLost = false;
        long heldUntil = 0;
        long pause = FIRST_PAUSE_NANOS;
        while (true) {
            if (hold != null) {
                hold.requireLive();
            }
            if (fencingToken != Appends.UNFENCED && t.fence() > fencingToken) {
                if (!fresh) {
                    t = tail(streamId);
                    fresh = true;
                    continue;
                }
                Appends.checkFence(streamId, fencingToken, t.fence());
            }
            if (!fresh && expected.value() >= 0 && !expected.matches(t.version())) {
                t = tail(streamId); // an exact condition the kept tail does not meet: decide on the stream as it is
                fresh = true;
                continue;
            }
            AppendResult written;
            try {
                written = alreadyWritten(streamId, expected, events, t);
            } catch (DuplicateEventIdException e) {
                if (!fresh) {
                    t = tail(streamId);
                    fresh = true;
                    continue;
                }
                throw e;
            }
            if (written != null || t.closed()) {
                if (!fresh) {
                    t = tail(streamId);
                    fresh = true;
                    continue;
                }
                if (written != null) {
                    return written;
                }
                throw new EventStreamClosedException(streamId, closeEvent(streamId, t));
            }
            if (!expected.matches(t.version())) {
                throw new WrongExpectedVersionException(streamId, expected, t.version());
            }
            if (hold != null) {
                if (leaseLost || (fresh && (t.chunk() != hold.chunk || !t.leased()))) {
                    throw new WriterHoldExpiredException(streamId, "its lease on chunk " + hold.chunk
                            + " was lost (broken by a fence raised, or run out)");
                }
            } else if (t.leased()) {
                // the writers are held: wait until the hold is lifted (or a close is there), reading the tail again
                if (fresh) {
                    long at = System.nanoTime();
                    if (heldUntil == 0) {
                        heldUntil = at + TimeUnit.SECONDS.toNanos(HOLD_WAIT_SECONDS);
                    } else if (at - heldUntil > 0) {
                        throw new CommitFailedException(streamId, expected, t.version(),
                                t.version() + events.size(), false, new IllegalStateException("the writers of the"
                                + " stream were held (its last chunk leased) for more than " + HOLD_WAIT_SECONDS
                                + " s"));
                    }
                    pause(streamId, expected, t, events.size(), pause);
                    pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
                }
                t = tail(streamId);
                fresh = true;
                continue;
            }
            Tail base = t;
            if (hold == null && (t.chunk() < 0 || t.full())) {
                base = createChunk(streamId, t.chunk() + 1, t.version() + 1, t.fence());
                if (base == null) {
                    lostRace(races, streamId, expected, t, events.size());
                    t = tail(streamId);
                    fresh = true;
                    continue;
                }
            }
            if (hold != null && base.blocks() >= MAX_BLOCKS - 1) {
                throw new IllegalStateException("Chunk " + chunkName(streamId, base.chunk()) + " is out of blocks"
                        + " for the appends of its holder");
            }
            long newVersion = t.version() + events.size();
            byte[] record = BatchCodec.record(lines, newVersion, closes);
            AppendBlobRequestConditions conditions = new AppendBlobRequestConditions()
                    .setAppendPosition(base.length()).setIfMatch(base.etag());
            if (hold != null) {
                conditions.setLeaseId(hold.leaseId);
            }
            AppendBlobItem item;
            try {
                item = appendBlob(streamId, base.chunk()).appendBlockWithResponse(new ByteArrayInputStream(record),
                        record.length, null, conditions, WRITE_TIMEOUT, Context.NONE).getValue();
            } catch (BlobStorageException e) {
                if (Blobs.isStatus(e, 412, 409)) {
                    log.debug("Append to stream '{}' at version {} lost a race ({}); re-reading", streamId,
                            t.version(), e.getErrorCode());
                    if (hold != null && isLeaseLost(e)) {
                        leaseLost = true;
                    } else {
                        lostRace(races, streamId, expected, t, events.size());
                        if (hold == null && races.failures() >= RACES_BEFORE_TURN) {
                            AppendResult inTurn = appendTakingTurn(streamId, expected, events, fencingToken);
                            if (inTurn != null) {
                                return inTurn;
                            }
                        }
                    }
                    t = tail(streamId);
                    fresh = true;
                    continue;
                }
                if (Blobs.isStatus(e, 404)) {
                    tails.remove(streamId);
                    t = tail(streamId);
                    fresh = true;
                    continue;
                }
                boolean mayBeWritten = e.getStatusCode() >= 500 || e.getStatusCode() == 408;
                throw new CommitFailedException(streamId, expected, t.version(), newVersion, mayBeWritten, e);
            } catch (RuntimeException e) {
                throw new CommitFailedException(streamId, expected, t.version(), newVersion, true, e);
            }
            Tail after = base.appended(item, record.length, newVersion, closes, hold != null);
            remember(streamId, after);
            if (hold != null) {
                hold.tail = after;
            }
            windowAppended(streamId, t, events, after);
            return new AppendResult(streamId, name, t.version(), newVersion, false);
        }
    }

    /**
     * The answer for a batch the stream already holds (where the condition says an earlier attempt would have put
     * it, or, for a plain any(), among the stream's last event ids), or {@code null} when it holds none of it.
     */
    private AppendResult alreadyWritten(String streamId, ExpectedVersion expected, List<EventData> events, Tail t) {
        if (expected.retryPosition() >= 0) {
            // an exact version, no stream, or the retry of an any() append: the batch can only be where the
            // earlier attempt put it (read only when the stream moved past that position)
            return Appends.retriedAt(this, streamId, expected, events, t.version());
        }
        if (t.version() == 0) {
            return null;
        }
        long existing = inWindow(streamId, t, events);
        return existing < 0 ? null : new AppendResult(streamId, name, existing - events.size(), existing, true);
    }

    private static boolean isLeaseLost(BlobStorageException e) {
        BlobErrorCode code = e.getErrorCode();
        return BlobErrorCode.LEASE_ID_MISMATCH_WITH_BLOB_OPERATION.equals(code)
                || BlobErrorCode.LEASE_NOT_PRESENT_WITH_BLOB_OPERATION.equals(code)
                || BlobErrorCode.LEASE_LOST.equals(code);
    }

    /**
     * An append that lost {@value #RACES_BEFORE_TURN} races in a row takes its turn: a lease on the stream's last
     * chunk, so that the other writers wait as for a hold, its append on the chunk read under the lease, then the
     * release (see "Appends" above). {@code null} when no turn could be had (the chunk held by a hold, full, closed
     * or gone; the lease broken by a fence raise): the append goes on racing as before. A refusal made under the
     * lease (a version conflict, a closed stream) is thrown as usual.
     */
    private @Nullable AppendResult appendTakingTurn(String streamId, ExpectedVersion expected, List<EventData> events,
                                                    long fencingToken) {
        Tail t = tail(streamId);
        if (t.chunk() < 0 || t.full() || t.closed() || t.leased()) {
            return null;
        }
        BlobLeaseClient lease = leaseNow(streamId, t.chunk());
        Tail held = lease == null ? null : heldTail(streamId, t, lease);
        if (held == null) {
            return null;
        }
        Duration turnLength = Duration.ofSeconds(MIN_LEASE_SECONDS);
        BlobWriterHold turn = new BlobWriterHold(streamId, turnLength, System.nanoTime() + turnLength.toNanos(), lease,
                held);
        log.debug("Append to stream '{}' lost {} races in a row; appending in its turn, under a lease", streamId,
                RACES_BEFORE_TURN);
        try {
            return appendChecked(streamId, expected, events, fencingToken, turn);
        } catch (WriterHoldExpiredException brokenOrLate) {
            return null; // a fence raise broke the lease: nothing was written under it
        } finally {
            turn.close();
        }
    }

    /**
     * Another writer appended (or started the chunk) first: counts the lost race and, when writers keep winning,
     * pauses before the tail is read again; gives up after {@value #MAX_ATTEMPTS} lost races, writing nothing.
     */
    private static void lostRace(Backoff.Retry races, String streamId, ExpectedVersion expected, Tail t, int count) {
        if (!races.failed()) {
            throw new CommitFailedException(streamId, expected, t.version(), t.version() + count, false,
                    new IllegalStateException("gave up after " + MAX_ATTEMPTS + " attempts lost to other writers"));
        }
        if (races.failures() > 2) {
            races.pause(); // contended: let the other writers through before reading the tail again
        }
    }

    /** Waits {@code nanos} while the writers are held; an interrupt ends the append, nothing written. */
    private static void pause(String streamId, ExpectedVersion expected, Tail t, int count, long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommitFailedException(streamId, expected, t.version(), t.version() + count, false, e);
        }
    }

    // ---------------------------------------------------------------- holds

    /**
     * Holds the writers of the stream, in every process, with a lease on its last chunk (see "Holding writers"
     * above). Waits, within {@code maxHold}, while another hold is on the stream; a hold that could not start
     * within {@code maxHold} has run out (its appends throw {@link WriterHoldExpiredException}). A closed stream
     * needs no lease: its writers are refused anyway, and the hold's appends are plain ones.
     */
    @Override
    public Optional<WriterHold> holdWriters(String streamId, Duration maxHold) {
        Identifiers.requireStreamId(streamId);
        Objects.requireNonNull(maxHold, "maxHold");
        Duration bounded = maxHold.isNegative() ? Duration.ZERO
                : maxHold.compareTo(Duration.ofDays(1)) > 0 ? Duration.ofDays(1) : maxHold;
        long deadline = System.nanoTime() + bounded.toNanos();
        int leaseSeconds = (int) Math.min(MAX_LEASE_SECONDS, Math.max(MIN_LEASE_SECONDS,
                (bounded.toMillis() + 999) / 1000));
        long pause = FIRST_PAUSE_NANOS;
        boolean contended = false;
        while (true) {
            if (System.nanoTime() - deadline >= 0) {
                return Optional.of(new BlobWriterHold(streamId, bounded, deadline, null, Tail.EMPTY)); // ran out
            }
            Tail t = tail(streamId);
            if (t.closed()) {
                return Optional.of(new BlobWriterHold(streamId, bounded, deadline, null, t));
            }
            if (t.leased()) { // another hold
                sleepQuietly(pause);
                pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
                continue;
            }
            if (t.chunk() < 0 || t.full()) {
                createChunk(streamId, t.chunk() + 1, t.version() + 1, t.fence()); // or another client did
                continue;
            }
            BlobLeaseClient lease = newLease(streamId, t.chunk());
            try {
                // first only if the chunk is still as read (not full, the last one); once an append came in
                // between, whatever the chunk holds (it is read under the lease below)
                BlobAcquireLeaseOptions options = new BlobAcquireLeaseOptions(leaseSeconds);
                if (!contended) {
                    options.setRequestConditions(new BlobLeaseRequestConditions().setIfMatch(t.etag()));
                }
                lease.acquireLeaseWithResponse(options, WRITE_TIMEOUT, Context.NONE);
            } catch (BlobStorageException e) {
                if (Blobs.isStatus(e, 412, 409, 404)) {
                    contended |= Blobs.isStatus(e, 412);
                    if (Blobs.isStatus(e, 409)) {
                        sleepQuietly(pause);
                        pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
                    }
                    continue;
                }
                throw e;
            } catch (RuntimeException e) {
                releaseQuietly(lease); // the outcome is unknown: do not leave a lease behind
                throw e;
            }
            Tail held = contended ? heldTail(streamId, t, lease) : t.withLeased(true);
            if (held == null) {
                continue;
            }
            tails.put(streamId, held);
            BlobWriterHold hold = new BlobWriterHold(streamId, bounded, deadline, lease, held);
            hold.schedule(leaseSeconds);
            log.debug("Holding the writers of stream '{}' (chunk {}, lease {} s) for at most {}", streamId,
                    t.chunk(), leaseSeconds, bounded);
            return Optional.of(hold);
        }
    }

    /** A hold through a lease on the stream's last chunk; without a lease when the stream was closed. */
    private final class BlobWriterHold implements WriterHold {

        private final String streamId;
        private final Duration maxHold;
        private final long deadline;
        private final BlobLeaseClient lease;
        final String leaseId;
        final int chunk;
        /** The held chunk's tail as the holder's last append left it. */
        volatile Tail tail;
        private volatile boolean closed;
        private final AtomicBoolean released = new AtomicBoolean();
        private final List<ScheduledFuture<?>> timers = new ArrayList<>();

        BlobWriterHold(String streamId, Duration maxHold, long deadline, BlobLeaseClient lease, Tail tail) {
            this.streamId = streamId;
            this.maxHold = maxHold;
            this.deadline = deadline;
            this.lease = lease;
            this.leaseId = lease == null ? null : lease.getLeaseId();
            this.chunk = tail.chunk();
            this.tail = tail;
        }

        @Override
        public String streamId() {
            return streamId;
        }

        @Override
        public synchronized AppendResult appendValidated(ExpectedVersion expected, List<EventData> events,
                                                         long fencingToken) {
            requireLive();
            return appendChecked(streamId, expected, events, fencingToken, lease == null ? null : this);
        }

        void requireLive() {
            if (closed) {
                throw new WriterHoldExpiredException(streamId, "the hold was closed");
            }
            if (System.nanoTime() - deadline >= 0 || (lease != null && released.get())) {
                throw new WriterHoldExpiredException(streamId, "held appends must come within maxHold ("
                        + maxHold + ")");
            }
        }

        /** Renews the lease while {@code maxHold} needs it and releases it when {@code maxHold} has passed. */
        void schedule(int leaseSeconds) {
            long left = deadline - System.nanoTime();
            synchronized (timers) {
                if (left > TimeUnit.SECONDS.toNanos(leaseSeconds)) {
                    long every = TimeUnit.SECONDS.toNanos(leaseSeconds) / 2;
                    timers.add(HOLD_TIMER.scheduleAtFixedRate(this::renew, every, every, TimeUnit.NANOSECONDS));
                }
                timers.add(HOLD_TIMER.schedule(this::release, Math.max(0, left), TimeUnit.NANOSECONDS));
            }
        }

        private void renew() {
            if (released.get() || System.nanoTime() - deadline >= 0) {
                return;
            }
            try {
                lease.renewLease();
            } catch (RuntimeException e) {
                log.debug("Could not renew the hold on stream '{}': {}", streamId, e.toString());
            }
        }

        /** Ends the lease (idempotent): the writers go on. */
        void release() {
            if (!released.compareAndSet(false, true)) {
                return;
            }
            synchronized (timers) {
                timers.forEach(timer -> timer.cancel(false));
                timers.clear();
            }
            if (lease != null) {
                releaseQuietly(lease);
                tails.computeIfPresent(streamId, (id, kept) -> kept.chunk() == chunk && kept.leased()
                        ? kept.withLeased(false) : kept);
                log.debug("Lifted the hold on the writers of stream '{}'", streamId);
            }
        }

        @Override
        public void close() {
            closed = true;
            release();
        }
    }

    private BlobLeaseClient newLease(String streamId, int chunk) {
        return new BlobLeaseClientBuilder().blobClient(container.getBlobClient(chunkName(streamId, chunk)))
                .leaseId(UUID.randomUUID().toString()).buildClient();
    }

    /**
     * A lease of the shortest length on the chunk, asked for without a condition (a turn, a raise under a lease);
     * {@code null} when the chunk is leased already or gone.
     */
    private @Nullable BlobLeaseClient leaseNow(String streamId, int chunk) {
        BlobLeaseClient lease = newLease(streamId, chunk);
        try {
            lease.acquireLeaseWithResponse(new BlobAcquireLeaseOptions(MIN_LEASE_SECONDS), WRITE_TIMEOUT,
                    Context.NONE);
            return lease;
        } catch (BlobStorageException e) {
            if (Blobs.isStatus(e, 409, 404)) {
                return null;
            }
            throw e;
        } catch (RuntimeException e) {
            releaseQuietly(lease); // the outcome is unknown: do not leave a lease behind
            throw e;
        }
    }

    /**
     * The tail of chunk {@code t.chunk()} read again under {@code lease}, which was taken without a condition: no
     * append can come in between now. {@code null}, with the lease released, when the chunk is no longer one to hold
     * (filled, or the stream closed, meanwhile).
     */
    private @Nullable Tail heldTail(String streamId, Tail t, BlobLeaseClient lease) {
        Tail now;
        try {
            now = tail(streamId);
        } catch (RuntimeException e) {
            releaseQuietly(lease);
            throw e;
        }
        if (now.chunk() != t.chunk() || now.full() || now.closed()) {
            releaseQuietly(lease);
            return null;
        }
        return now;
    }

    private void releaseQuietly(BlobLeaseClient lease) {
        try {
            lease.releaseLeaseWithResponse(new BlobReleaseLeaseOptions(), WRITE_TIMEOUT, Context.NONE);
        } catch (RuntimeException e) {
            // broken (a fence was raised), run out, or never acquired: nothing is held
            log.debug("Releasing lease {} of {}: {}", lease.getLeaseId(), lease.getResourceUrl(), e.toString());
        }
    }

    /** Ends whatever lease is on the chunk at once (a raised fence, or a delete, wins over a hold). */
    private void breakLease(String streamId, int index) {
        try {
            new BlobLeaseClientBuilder().blobClient(container.getBlobClient(chunkName(streamId, index))).buildClient()
                    .breakLeaseWithResponse(new BlobBreakLeaseOptions().setBreakPeriod(Duration.ZERO), WRITE_TIMEOUT,
                            Context.NONE);
            log.debug("Broke the hold on chunk {} of stream '{}'", index, streamId);
        } catch (BlobStorageException e) {
            if (!Blobs.isStatus(e, 404, 409)) { // gone, or no lease (any more)
                throw e;
            }
        }
    }

    private static void sleepQuietly(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for a hold", e);
        }
    }

    private static ScheduledThreadPoolExecutor holdTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "es-blob-writer-holds");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    // ---------------------------------------------------------------- fences

    @Override
    public boolean supportsFencing() {
        return true;
    }

    /**
     * Raises the fence in the metadata of the stream's last chunk, on the condition that the chunk still has the
     * ETag it was read with: an append decided on the old fence (it is conditioned on that ETag) then fails and
     * re-reads. A full last chunk is never changed (the next chunk copies its fence when it starts): the fence goes
     * into a new, empty next chunk instead, unless the stream is closed. A hold on the stream (a lease on its last
     * chunk) is broken first, so that the holder cannot append past the fence. Answers the stream's version when
     * the raise wrote (a new chunk, or metadata on the ETag the version was read with), empty when the fence was
     * already high enough (the tail it looked at may be this store's cached one).
     */
    @Override
    public OptionalLong raiseFence(String streamId, long token) {
        Identifiers.requireStreamId(streamId);
        Appends.requireFencingToken(token);
        // no pause between attempts: a raise needs a read and a write with nothing in between, and an append
        // stream that never pauses would win every race against a raise that did. Even so, back-to-back appends can
        // win race after race: from the third lost one, the raise keeps them out with a short lease while it writes
        int lostRaces = 0;
        for (int attempt = 1; ; attempt++) {
            Tail t = tail(streamId);
            if (t.fence() >= token) {
                return OptionalLong.empty();
            }
            if (attempt > MAX_ATTEMPTS) {
                throw new IllegalStateException("Raising the fence of stream '" + streamId + "' of store '" + name
                        + "' to " + token + " gave up after " + MAX_ATTEMPTS + " attempts lost to other writers");
            }
            if (t.leased()) {
                breakLease(streamId, t.chunk());
                continue;
            }
            if (t.chunk() < 0 || (t.full() && !t.closed())) {
                Tail started = createChunk(streamId, t.chunk() + 1, t.version() + 1, token);
                if (started != null) {
                    log.debug("Raised the fence of stream '{}' to {} in a new chunk", streamId, token);
                    remember(streamId, started);
                    return OptionalLong.of(t.version()); // the chunk before is full (final) or there is none
                }
                continue;
            }
            if (lostRaces >= RAISE_RACES_BEFORE_LEASE) {
                OptionalLong raised = raiseUnderLease(streamId, t, token);
                if (raised != null) {
                    return raised;
                }
                continue;
            }
            try {
                return raiseOn(streamId, t, token, null);
            } catch (BlobStorageException e) {
                if (Blobs.isStatus(e, 412)) {
                    lostRaces++;
                    continue; // the chunk changed: read it again
                }
                if (Blobs.isStatus(e, 404)) {
                    tails.remove(streamId);
                    continue;
                }
                throw e;
            }
        }
    }

    /**
     * Writes the fence into the metadata of chunk {@code t.chunk()}, on the condition of the ETag {@code t} was read
     * with (and with {@code leaseId} when the raise holds the chunk's lease); answers the version it raised it on.
     */
    private OptionalLong raiseOn(String streamId, Tail t, long token, @Nullable String leaseId) {
        Map<String, String> metadata = new HashMap<>(t.metadata());
        metadata.put(FENCE, String.valueOf(token));
        container.getBlobClient(chunkName(streamId, t.chunk())).setMetadataWithResponse(metadata,
                new BlobRequestConditions().setIfMatch(t.etag()).setLeaseId(leaseId), WRITE_TIMEOUT, Context.NONE);
        log.debug("Raised the fence of stream '{}' to {}", streamId, token);
        tails.remove(streamId, t); // its ETag changed
        return OptionalLong.of(t.version()); // the chunk still had the ETag its version was read with
    }

    /**
     * A raise that lost races to appends: a lease on the last chunk, taken without a condition, keeps appends out
     * (they wait, as for a hold) while the raise reads the chunk and writes the fence, then is released.
     * {@code null} when the chunk is no longer the one to raise on (held by a hold, filled, gone): read it again.
     */
    private @Nullable OptionalLong raiseUnderLease(String streamId, Tail t, long token) {
        BlobLeaseClient lease = leaseNow(streamId, t.chunk());
        if (lease == null) {
            return null;
        }
        try {
            Tail now = tail(streamId);
            if (now.chunk() != t.chunk() || now.full() && !now.closed()) {
                return null;
            }
            if (now.fence() >= token) {
                return OptionalLong.empty();
            }
            log.debug("Raising the fence of stream '{}' under a lease after lost races to appends", streamId);
            return raiseOn(streamId, now, token, lease.getLeaseId());
        } catch (BlobStorageException e) {
            if (Blobs.isStatus(e, 412, 404)) {
                return null;
            }
            throw e;
        } finally {
            releaseQuietly(lease);
            tails.remove(streamId); // read as leased; the release changed nothing else
        }
    }

    @Override
    public void delete(String streamId) {
        Identifiers.requireStreamId(streamId);
        List<Chunk> chunks = listChunks(streamId);
        for (int i = chunks.size() - 1; i >= 0; i--) {
            int index = chunks.get(i).index();
            try {
                container.getBlobClient(chunkName(streamId, index)).deleteIfExists();
            } catch (BlobStorageException e) {
                if (!Blobs.isStatus(e, 412)) {
                    throw e;
                }
                breakLease(streamId, index); // held: a delete wins over a hold
                container.getBlobClient(chunkName(streamId, index)).deleteIfExists();
            }
        }
        tails.remove(streamId);
        windows.remove(streamId);
    }

    // ---------------------------------------------------------------- chunks

    /** What the end of a stream looks like: its last chunk and the trailer that ends it. */
    private record Tail(int chunk, long length, long firstVersion, int capacity, int blocks, long version,
                        boolean closed, int lastRecordBytes, String etag, long fence, Map<String, String> metadata,
                        boolean leased) {

        static final Tail EMPTY = new Tail(-1, 0, 1, 0, 0, 0, false, 0, null, 0, Map.of(), false);

        long chunkEvents() {
            return version - firstVersion + 1;
        }

        boolean full() {
            return chunkEvents() >= capacity || blocks >= MAX_BLOCKS - 1;
        }

        /** This chunk after an append block of {@code bytes} that took the stream to {@code newVersion}. */
        Tail appended(AppendBlobItem item, int bytes, long newVersion, boolean closes, boolean leased) {
            long offset = item.getBlobAppendOffset() == null ? length : Long.parseLong(item.getBlobAppendOffset());
            int committed = item.getBlobCommittedBlockCount() == null ? blocks + 1 : item.getBlobCommittedBlockCount();
            return new Tail(chunk, offset + bytes, firstVersion, capacity, committed, newVersion, closes, bytes,
                    item.getETag(), fence, metadata, leased);
        }

        Tail withLeased(boolean leased) {
            return new Tail(chunk, length, firstVersion, capacity, blocks, version, closed, lastRecordBytes, etag,
                    fence, metadata, leased);
        }

        /** Whether this tail is at or past {@code other}'s end of the stream. */
        boolean atOrAfter(Tail other) {
            return chunk > other.chunk || (chunk == other.chunk && length >= other.length);
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
            List<StoredEvent> events = List.copyOf(parseChunk(streamId, data, 0, data.length));
            chunkCache.put(blobName + "@" + response.getDeserializedHeaders().getETag(), events);
            return events;
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return List.of(); // deleted meanwhile
            }
            throw e;
        }
    }

    /**
     * The stream's tail as it is now, read from the service (from the kept tail's chunk on, else from a listing),
     * and kept. Costs the chunk's properties and, unless its ETag is the one kept, a ranged read of its trailer.
     */
    private Tail tail(String streamId) {
        Tail cached = tails.get(streamId);
        int index = cached == null ? lastChunkByListing(streamId) : cached.chunk();
        boolean listed = cached == null;
        while (true) {
            if (index < 0) {
                tails.remove(streamId);
                return Tail.EMPTY;
            }
            BlobProperties props = properties(chunkName(streamId, index));
            if (props == null) {
                if (listed) {
                    // deleted while we looked; the stream is being deleted or was just recreated
                    index = lastChunkByListing(streamId);
                    if (index < 0) {
                        tails.remove(streamId);
                        return Tail.EMPTY;
                    }
                    continue;
                }
                index = lastChunkByListing(streamId);
                listed = true;
                continue;
            }
            Tail t = readTail(streamId, index, props, cached);
            if (t.full() && !t.leased()) { // a held chunk has no next chunk: nobody starts one while it is held
                BlobProperties next = properties(chunkName(streamId, index + 1));
                if (next != null) {
                    index++;
                    Tail nextTail = readTail(streamId, index, next, cached);
                    if (nextTail.full() && !nextTail.leased()) {
                        continue;
                    }
                    tails.put(streamId, nextTail);
                    return nextTail;
                }
            }
            tails.put(streamId, t);
            return t;
        }
    }

    private Tail readTail(String streamId, int index, BlobProperties props, Tail cached) {
        Map<String, String> md = props.getMetadata();
        long first = Long.parseLong(md.getOrDefault(FIRST_VERSION, "1"));
        int capacity = Integer.parseInt(md.getOrDefault(CAPACITY, String.valueOf(chunkSize)));
        long fence = Long.parseLong(md.getOrDefault(FENCE, "0"));
        long length = props.getBlobSize();
        int blocks = props.getCommittedBlockCount() == null ? 0 : props.getCommittedBlockCount();
        boolean leased = props.getLeaseStatus() == LeaseStatusType.LOCKED;
        if (length == 0) {
            return new Tail(index, 0, first, capacity, blocks, first - 1, false, 0, props.getETag(), fence, md,
                    leased);
        }
        if (cached != null && cached.chunk() == index && cached.length() == length
                && Objects.equals(cached.etag(), props.getETag())) {
            // the chunk is as this client knows it: its trailer is known too
            return new Tail(index, length, first, capacity, blocks, cached.version(), cached.closed(),
                    cached.lastRecordBytes(), props.getETag(), fence, md, leased);
        }
        byte[] bytes = download(chunkName(streamId, index),
                new BlobRange(length - BatchCodec.TRAILER_LENGTH, (long) BatchCodec.TRAILER_LENGTH));
        if (bytes == null || bytes.length != BatchCodec.TRAILER_LENGTH) {
            throw new IllegalStateException("Chunk " + chunkName(streamId, index) + " changed while read");
        }
        BatchCodec.Trailer trailer = parseTrailer(streamId, bytes);
        return new Tail(index, length, first, capacity, blocks, trailer.lastVersion(), trailer.closes(),
                trailer.recordBytes(), props.getETag(), fence, md, leased);
    }

    /** Keeps {@code t} as the stream's tail unless a tail further on is kept already (another thread's append). */
    private void remember(String streamId, Tail t) {
        tails.merge(streamId, t, (kept, given) -> given.atOrAfter(kept) ? given : kept);
        if (tails.size() > CACHED_TAILS) {
            var it = tails.keySet().iterator();
            if (it.hasNext()) {
                String forget = it.next();
                if (!forget.equals(streamId)) {
                    tails.remove(forget);
                }
            }
        }
    }

    private List<StoredEvent> lastBatch(String streamId, Tail t) {
        byte[] bytes = download(chunkName(streamId, t.chunk()),
                new BlobRange(t.length() - t.lastRecordBytes(), (long) t.lastRecordBytes()));
        return bytes == null ? List.of() : parseChunk(streamId, bytes, 0, bytes.length);
    }

    /**
     * The events of a stretch of a chunk of {@code streamId}; bytes that are not es's chunk format (changed outside
     * es) are a {@link CorruptDataException} naming the stream.
     */
    private List<StoredEvent> parseChunk(String streamId, byte[] data, int from, int to) {
        try {
            return BatchCodec.parse(data, from, to);
        } catch (RuntimeException garbled) {
            throw corrupt(streamId, garbled);
        }
    }

    private BatchCodec.Trailer parseTrailer(String streamId, byte[] bytes) {
        try {
            return BatchCodec.parseTrailer(bytes, 0);
        } catch (RuntimeException garbled) {
            throw corrupt(streamId, garbled);
        }
    }

    private CorruptDataException corrupt(String streamId, RuntimeException garbled) {
        return new CorruptDataException("events of stream '" + streamId + "'", "container "
                + container.getBlobContainerName() + " of event store '" + name + "'",
                "a chunk is not in es's format (" + CorruptDataException.reasonOf(garbled) + ")", garbled);
    }

    private @Nullable CloseEvent closeEvent(String streamId, Tail t) {
        List<StoredEvent> batch = lastBatch(streamId, t);
        return CloseEvent.from(streamId, batch.get(batch.size() - 1));
    }

    /**
     * The event ids of a stream's last events, up to a position in its last chunk: what a plain any() append is
     * checked against. Holds the last {@code chunkSize} ids at least once built.
     */
    private static final class IdWindow {
        private final ArrayDeque<String> order = new ArrayDeque<>();
        private final Map<String, Long> versions = new HashMap<>();
        /** The position covered: the chunk, its length and the stream's version there; chunk -2 before built. */
        private int chunk = -2;
        private long length;
        private long last;

        boolean at(Tail t) {
            return chunk == t.chunk() && length == t.length() && last == t.version();
        }

        long versionOf(String eventId) {
            return versions.getOrDefault(eventId, -1L);
        }

        void reset() {
            order.clear();
            versions.clear();
            chunk = -2;
        }

        void add(String eventId, long version, int keep) {
            order.addLast(eventId);
            versions.put(eventId, version);
            while (order.size() > keep) {
                versions.remove(order.pollFirst());
            }
        }

        void moveTo(Tail t) {
            chunk = t.chunk();
            length = t.length();
            last = t.version();
        }
    }

    /**
     * Where the stream (at {@code t}) holds the batch, by its last event ids (the last {@code chunkSize} events at
     * least): see {@link Appends#alreadyWritten}.
     */
    private long inWindow(String streamId, Tail t, List<EventData> events) {
        IdWindow window = windows.computeIfAbsent(streamId, id -> new IdWindow());
        synchronized (window) {
            if (!window.at(t) && !extend(streamId, window, t)) {
                rebuild(streamId, window, t);
            }
            return Appends.alreadyWritten(streamId, events, window::versionOf);
        }
    }

    /**
     * Moves the window on to {@code t} with a ranged read of only what was appended since its position (in its
     * chunk, and in the next chunk when the stream rolled over once).
     *
     * @return false when it cannot (the stream went back, or moved on by more than a chunk): rebuild it
     */
    private boolean extend(String streamId, IdWindow window, Tail t) {
        if (window.chunk < -1 || t.version() < window.last || t.chunk() < window.chunk
                || (t.chunk() == window.chunk && t.length() < window.length) || t.chunk() > window.chunk + 1) {
            return false;
        }
        List<StoredEvent> added = new ArrayList<>();
        try {
            if (t.chunk() == window.chunk) {
                byte[] data = download(chunkName(streamId, t.chunk()),
                        new BlobRange(window.length, t.length() - window.length));
                if (data == null) {
                    return false;
                }
                added.addAll(parseChunk(streamId, data, 0, data.length));
            } else {
                if (window.chunk >= 0 && t.firstVersion() - 1 > window.last) {
                    // the rest of the chunk the window ended in, which is full now
                    byte[] rest = download(chunkName(streamId, window.chunk), new BlobRange(window.length));
                    if (rest == null) {
                        return false;
                    }
                    added.addAll(parseChunk(streamId, rest, 0, rest.length));
                }
                if (t.length() > 0) {
                    byte[] data = download(chunkName(streamId, t.chunk()), new BlobRange(0, t.length()));
                    if (data == null) {
                        return false;
                    }
                    added.addAll(parseChunk(streamId, data, 0, (int) Math.min(data.length, t.length())));
                }
            }
        } catch (RuntimeException e) {
            log.debug("Could not extend the event ids kept for stream '{}'; reading them again", streamId, e);
            return false;
        }
        long expect = window.last + 1;
        for (StoredEvent e : added) {
            if (e.version() != expect++) {
                return false;
            }
        }
        if (expect - 1 != t.version()) {
            return false;
        }
        for (StoredEvent e : added) {
            window.add(e.eventId(), e.version(), chunkSize);
        }
        window.moveTo(t);
        return true;
    }

    /**
     * Builds the window from the stream's last {@code chunkSize} events at least: the last chunk, and the chunks
     * before it until that many events are covered.
     */
    private void rebuild(String streamId, IdWindow window, Tail t) {
        window.reset();
        List<List<StoredEvent>> chunks = new ArrayList<>();
        long covered = 0;
        for (int index = t.chunk(); index >= 0 && covered < chunkSize; index--) {
            byte[] data = index == t.chunk()
                    ? (t.length() == 0 ? new byte[0] : download(chunkName(streamId, index), new BlobRange(0, t.length())))
                    : download(chunkName(streamId, index), null);
            if (data == null) {
                break; // deleted meanwhile
            }
            int to = index == t.chunk() ? (int) Math.min(data.length, t.length()) : data.length;
            List<StoredEvent> chunk = parseChunk(streamId, data, 0, to);
            chunks.add(chunk);
            covered += chunk.size();
        }
        for (int i = chunks.size() - 1; i >= 0; i--) {
            for (StoredEvent e : chunks.get(i)) {
                window.add(e.eventId(), e.version(), (int) Math.max(covered, chunkSize));
            }
        }
        window.moveTo(t);
    }

    /**
     * After this client appended {@code events} on {@code t} (taking the stream to {@code after}): the window
     * follows when it was at {@code t}; else it is moved on when next needed.
     */
    private void windowAppended(String streamId, Tail t, List<EventData> events, Tail after) {
        IdWindow window = windows.get(streamId);
        if (window == null) {
            return;
        }
        synchronized (window) {
            if (window.at(t)) {
                long version = t.version();
                for (EventData e : events) {
                    window.add(e.eventId(), ++version, chunkSize);
                }
                window.moveTo(after);
            }
        }
    }

    /**
     * Starts a chunk, carrying the stream's fence so far.
     *
     * @return the new chunk's tail (empty), or {@code null} when another client started it first
     */
    private Tail createChunk(String streamId, int index, long firstVersion, long fence) {
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
            return new Tail(index, 0, firstVersion, chunkSize, 0, firstVersion - 1, false, 0, etag, fence,
                    Map.copyOf(metadata), false);
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
            if (e.getStatusCode() == 416 && range != null && range.getCount() == null) {
                return new byte[0]; // a range from the end of the blob on: nothing there
            }
            throw e;
        }
    }


    /**
     * The client of a chunk: made once and kept for the {@value #CACHED_CLIENTS} chunks most recently used (making
     * one reads the SDK's logging settings, which cost as much CPU as the rest of an append).
     */
    private AppendBlobClient appendBlob(String streamId, int index) {
        return appendClients.computeIfAbsent(chunkName(streamId, index),
                name -> container.getBlobClient(name).getAppendBlobClient());
    }

    private String chunkName(String streamId, int index) {
        return prefix + "/" + streamId + "/" + String.format("%010d", index);
    }
}
