package dev.es.engine.backup;

import dev.es.engine.document.DocumentConcurrencyException;
import dev.es.engine.document.DocumentStore;
import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.document.TerminatedStream;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.tag.TagStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backup service over the application's stores and one or more {@link BackupStorage}s (the first is the
 * default). A backup streams each stream's events, up to its version when the backup began, into one part per
 * stream, then writes the manifest that makes it complete; a restore reads the whole backup once to check it, then
 * again to write, and undoes its writes when anything fails.
 */
public final class DefaultBackupRestoreService implements BackupRestoreService {

    private static final Logger log = LoggerFactory.getLogger(DefaultBackupRestoreService.class);
    /** How long an unfinished backup (parts without a manifest) may stay before retention removes it. */
    static final Duration ABANDONED_AFTER = Duration.ofHours(1);
    private static final int PAGE_SIZE = 1000;

    private final EventStoreRegistry stores;
    private final DocumentStore documents;
    private final TagStore tags;
    private final Map<String, BackupStorage> storages;
    private final BackupRetention retention;
    private final Executor executor;
    private final BackupListener listener;
    private final Clock clock;

    /** A service whose bulk backups run on threads of their own, without a listener. */
    public DefaultBackupRestoreService(EventStoreRegistry stores, DocumentStore documents, TagStore tags,
                                       List<? extends BackupStorage> storages, BackupRetention retention) {
        this(stores, documents, tags, storages, retention, BulkBackup.OWN_THREADS, BackupListener.NONE,
                Clock.systemUTC());
    }

    /** A service whose bulk backups run on threads of their own, telling {@code listener}. */
    public DefaultBackupRestoreService(EventStoreRegistry stores, DocumentStore documents, TagStore tags,
                                       List<? extends BackupStorage> storages, BackupRetention retention,
                                       BackupListener listener, Clock clock) {
        this(stores, documents, tags, storages, retention, BulkBackup.OWN_THREADS, listener, clock);
    }

    /**
     * @param storages  where backups go; the first is the default; names must differ
     * @param executor  runs the workers of bulk backups ({@code maxConcurrency} at a time per bulk backup)
     */
    public DefaultBackupRestoreService(EventStoreRegistry stores, DocumentStore documents, TagStore tags,
                                       List<? extends BackupStorage> storages, BackupRetention retention,
                                       Executor executor, BackupListener listener, Clock clock) {
        this.stores = Objects.requireNonNull(stores, "stores");
        this.documents = Objects.requireNonNull(documents, "documents");
        this.tags = Objects.requireNonNull(tags, "tags");
        if (Objects.requireNonNull(storages, "storages").isEmpty()) {
            throw new IllegalArgumentException("The backup service needs at least one backup storage");
        }
        Map<String, BackupStorage> byName = new LinkedHashMap<>();
        for (BackupStorage storage : storages) {
            if (byName.putIfAbsent(storage.name(), storage) != null) {
                throw new IllegalArgumentException("Two backup storages are named '" + storage.name() + "'");
            }
        }
        this.storages = byName;
        this.retention = Objects.requireNonNull(retention, "retention");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public List<BackupStorage> storages() {
        return List.copyOf(storages.values());
    }

    // ---------------------------------------------------------------------------------------------- backup

    @Override
    public BackupDescriptor backup(ObjectDocument document, BackupOptions options) {
        return backup(document.objectName(), document.objectId(), options);
    }

    @Override
    public BackupDescriptor backup(String objectName, String objectId, BackupOptions options) {
        long start = System.nanoTime();
        BackupStorage storage;
        ObjectDocument document;
        try {
            storage = requireStorage(options.provider());
            document = documents.get(objectName, objectId)
                    .orElseThrow(() -> new ObjectNotFoundException(objectName, objectId));
        } catch (RuntimeException e) {
            listener.failed("backup", e);
            throw e;
        }
        Instant createdAt = clock.instant();
        String backupId = BackupIds.next(createdAt);
        try {
            MessageDigest whole = Digests.sha256();
            List<BackupStream> streams = new ArrayList<>();
            List<Segment> segments = segments(document, options.includeHistory());
            for (int i = 0; i < segments.size(); i++) {
                streams.add(writePart(storage, backupId, i, segments.get(i), options.compressed(), whole));
            }
            long events = streams.stream().mapToLong(BackupStream::eventCount).sum();
            long bytes = streams.stream().mapToLong(BackupStream::byteSize).sum();
            BackupDescriptor backup = new BackupDescriptor(backupId, storage.name(), Manifests.FORMAT_VERSION,
                    objectName, objectId, createdAt, options.compressed(), streams, events, bytes,
                    HexFormat.of().formatHex(whole.digest()), options.includeObjectDocument() ? document : null,
                    document.tags());
            try (PartOutput manifest = storage.create(backupId, Manifests.PART)) {
                manifest.write(Manifests.write(backup));
                manifest.commit();
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            log.info("Backed up {}/{} as {} in '{}': {} events in {} streams, {} bytes, {} ms", objectName, objectId,
                    backupId, storage.name(), events, streams.size(), bytes, took.toMillis());
            listener.backedUp(backup, took);
            return backup;
        } catch (IOException e) {
            BackupStorageException failure = new BackupStorageException(storage.name(), backupId, "write", e);
            discard(storage, backupId, failure);
            throw failure;
        } catch (RuntimeException | Error e) {
            discard(storage, backupId, e);
            throw e;
        }
    }

    private void discard(BackupStorage storage, String backupId, Throwable cause) {
        listener.failed("backup", cause);
        try {
            storage.delete(backupId);
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
            log.warn("Could not delete the unfinished backup {} in '{}' (retention removes it later): {}", backupId,
                    storage.name(), e.toString());
        }
    }

    /** A stream to back up: where it lives and, for a terminated one, how the document (or its close) ended it. */
    private record Segment(StreamPointer pointer, @Nullable TerminatedStream terminated) {
    }

    /**
     * The streams that hold the object's history, oldest first, the active one last: the terminated streams whose
     * events were not copied into their continuation (when {@code history}), and the active stream, followed to its
     * continuation when a cutover closed it but has not reached the document yet.
     */
    private List<Segment> segments(ObjectDocument document, boolean history) {
        List<Segment> segments = new ArrayList<>();
        if (history) {
            for (TerminatedStream terminated : document.terminatedStreams()) {
                if (terminated.deletedAt() != null) {
                    continue; // book closing deleted it: its history was copied into its continuation
                }
                EventStore store = store(terminated.store());
                if (store.version(terminated.streamId()) == 0) {
                    continue; // nothing there
                }
                CloseEvent close = store.closeEvent(terminated.streamId());
                if (close == null || !close.historyCopiedToContinuation()) {
                    segments.add(new Segment(terminated.pointer(), terminated));
                }
            }
        }
        StreamPointer tip = document.active();
        CloseEvent close;
        int hops = 0;
        while ((close = store(tip.store()).closeEvent(tip.streamId())) != null && close.hasContinuation()
                && hops++ < 8) {
            if (history && !close.historyCopiedToContinuation()) {
                segments.add(new Segment(tip, new TerminatedStream(tip.streamId(), tip.store(), close.reason(),
                        close.continuationStreamId(), close.continuationStore(), close.lastSourceVersion(),
                        close.closedAt())));
            }
            tip = new StreamPointer(close.continuationStreamId(), close.continuationStore());
        }
        segments.add(new Segment(tip, null));
        return segments;
    }

    private BackupStream writePart(BackupStorage storage, String backupId, int index, Segment segment,
                                   boolean compressed, MessageDigest whole) throws IOException {
        EventStore store = store(segment.pointer().store());
        String streamId = segment.pointer().streamId();
        long upTo = store.version(streamId); // what the stream holds now; later appends belong to a later backup
        String part = Manifests.eventPart(index, compressed);
        try (PartWriter writer = new PartWriter(storage.create(backupId, part), compressed, whole);
             ReadAhead pages = new ReadAhead(store, streamId, upTo, PAGE_SIZE)) {
            for (List<StoredEvent> page = pages.next(); !page.isEmpty(); page = pages.next()) {
                for (StoredEvent event : page) {
                    writer.write(event);
                }
            }
            return writer.commit(streamId, segment.pointer().store(), segment.terminated(), part);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupException(backupId, "Interrupted while backing up stream " + streamId, e);
        }
    }

    private EventStore store(String name) {
        return stores.get(name);
    }

    // ---------------------------------------------------------------------------------------------- bulk

    @Override
    public BulkBackupResult backupAll(BackupSelection selection, BulkBackupOptions options) {
        Objects.requireNonNull(selection, "selection");
        // an unknown storage is refused here, not once per object
        requireStorage(Objects.requireNonNull(options, "options").backup().provider());
        return new BulkBackup(this, documents, tags, executor, clock).run(selection, options);
    }

    // ---------------------------------------------------------------------------------------------- reading

    /** A backup's manifest, found in whichever storage holds it. */
    private record Located(BackupStorage storage, BackupDescriptor backup) {
    }

    /**
     * The storage holding {@code backupId} and its manifest.
     *
     * @throws BackupNotFoundException when no storage has any part of it
     * @throws CorruptBackupException  when a storage has parts but no readable manifest
     */
    private Located locate(String backupId) {
        BackupIds.requireBackupId(backupId);
        for (BackupStorage storage : storages.values()) {
            try {
                Optional<InputStream> manifest = storage.open(backupId, Manifests.PART);
                if (manifest.isPresent()) {
                    byte[] bytes;
                    try (InputStream in = manifest.get()) {
                        bytes = in.readAllBytes();
                    }
                    return new Located(storage, Manifests.read(backupId, storage.name(), bytes));
                }
                if (!storage.parts(backupId).isEmpty()) {
                    throw new CorruptBackupException(backupId, List.of(new BackupProblem(
                            BackupProblem.Kind.MANIFEST_MISSING, Manifests.PART,
                            "the backup has parts but no manifest: it never finished, or its manifest was removed")));
                }
            } catch (IOException e) {
                throw new BackupStorageException(storage.name(), backupId, "read", e);
            }
        }
        throw new BackupNotFoundException(backupId);
    }

    @Override
    public Optional<BackupDescriptor> get(String backupId) {
        try {
            return Optional.of(locate(backupId).backup());
        } catch (BackupNotFoundException e) {
            return Optional.empty();
        } catch (CorruptBackupException e) {
            if (e.problem().kind() == BackupProblem.Kind.MANIFEST_MISSING) {
                return Optional.empty(); // unfinished: not a backup (yet)
            }
            throw e;
        }
    }

    @Override
    public List<BackupDescriptor> list(BackupFilter filter) {
        List<BackupDescriptor> found = new ArrayList<>();
        if (filter.provider() != null) {
            requireStorage(filter.provider()); // a storage this service does not have is refused, not listed as empty
        }
        for (BackupStorage storage : storages.values()) {
            if (filter.provider() != null && !filter.provider().equals(storage.name())) {
                continue;
            }
            forEachManifest(storage, backup -> {
                if (filter.matches(backup)) {
                    found.add(backup);
                }
            }, id -> { });
        }
        found.sort(Comparator.comparing(BackupDescriptor::createdAt).thenComparing(BackupDescriptor::backupId));
        return found;
    }

    /** Every complete backup's manifest in {@code storage}; backups without one go to {@code unfinished}. */
    private void forEachManifest(BackupStorage storage, java.util.function.Consumer<BackupDescriptor> complete,
                                 java.util.function.Consumer<String> unfinished) {
        try (Stream<String> ids = storage.backupIds()) {
            for (Iterator<String> it = ids.iterator(); it.hasNext(); ) {
                String id = it.next();
                Optional<InputStream> manifest = storage.open(id, Manifests.PART);
                if (manifest.isEmpty()) {
                    unfinished.accept(id);
                    continue;
                }
                byte[] bytes;
                try (InputStream in = manifest.get()) {
                    bytes = in.readAllBytes();
                }
                try {
                    complete.accept(Manifests.read(id, storage.name(), bytes));
                } catch (CorruptBackupException e) {
                    log.warn("Backup {} in '{}' has an unreadable manifest; listed nowhere: {}", id, storage.name(),
                            e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new BackupStorageException(storage.name(), null, "list backups", e);
        } catch (UncheckedIOException e) {
            throw new BackupStorageException(storage.name(), null, "list backups", e.getCause());
        }
    }

    @Override
    public BackupValidation validate(String backupId) {
        Located located;
        try {
            located = locate(backupId);
        } catch (CorruptBackupException e) {
            listener.failed("validate", e);
            return new BackupValidation(backupId, 0, e.problems());
        }
        BackupValidation validation = scan(located, (stream, event) -> { });
        if (!validation.isValid()) {
            log.warn("Backup {} is damaged: {}", backupId, validation.problems());
            listener.failed("validate", new CorruptBackupException(backupId, validation.problems()));
        }
        return validation;
    }

    /** Receives each event of a backup as a scan reads it. */
    @FunctionalInterface
    private interface EventSink {
        void accept(BackupStream stream, StoredEvent event) throws IOException;
    }

    /**
     * Reads every part of a backup, hands each event to {@code sink} and checks everything against the manifest:
     * parts present, lines decodable, versions contiguous, counts, sizes and checksums.
     */
    private BackupValidation scan(Located located, EventSink sink) {
        BackupDescriptor backup = located.backup();
        BackupStorage storage = located.storage();
        List<BackupProblem> problems = new ArrayList<>();
        MessageDigest whole = Digests.sha256();
        boolean everyPart = true;
        long total = 0;
        for (BackupStream stream : backup.streams()) {
            String part = stream.part();
            Optional<InputStream> stored;
            try {
                stored = storage.open(backup.backupId(), part);
            } catch (IOException e) {
                throw new BackupStorageException(storage.name(), backup.backupId(), "read part " + part, e);
            }
            if (stored.isEmpty()) {
                problems.add(new BackupProblem(BackupProblem.Kind.PART_MISSING, part,
                        "the part of stream " + stream.streamId() + " (" + stream.eventCount() + " events) is absent"));
                everyPart = false;
                continue;
            }
            long count = 0;
            boolean decoded = true;
            try (InputStream in = stored.get()) {
                PartReader reader = null;
                try {
                    reader = new PartReader(in, backup.compressed(), whole);
                    long expected = stream.firstVersion();
                    StoredEvent event;
                    while ((event = reader.next()) != null) {
                        if (event.version() != expected) {
                            problems.add(new BackupProblem(BackupProblem.Kind.VERSION_GAP, part, "event "
                                    + event.eventId() + " has version " + event.version() + ", expected " + expected));
                            decoded = false;
                            break;
                        }
                        try {
                            sink.accept(stream, event);
                        } catch (IOException | RuntimeException e) {
                            throw new SinkFailure(e);
                        }
                        expected++;
                        count++;
                    }
                } catch (IOException | RuntimeException e) {
                    if (e instanceof SinkFailure || e instanceof BackupException) {
                        throw (RuntimeException) e;
                    }
                    problems.add(new BackupProblem(BackupProblem.Kind.CONTENT_UNREADABLE, part,
                            "cannot be decoded after " + count + " events: " + e.getMessage()));
                    decoded = false;
                }
                PartReader.Stored read = reader != null ? reader.drain() : drain(in, whole);
                if (decoded && count != stream.eventCount()) {
                    problems.add(new BackupProblem(BackupProblem.Kind.COUNT_MISMATCH, part, "holds " + count
                            + " events, the manifest says " + stream.eventCount()));
                }
                if (read.bytes() != stream.byteSize()) {
                    problems.add(new BackupProblem(BackupProblem.Kind.SIZE_MISMATCH, part, "is " + read.bytes()
                            + " bytes, the manifest says " + stream.byteSize()));
                }
                if (!read.sha256().equals(stream.sha256())) {
                    problems.add(new BackupProblem(BackupProblem.Kind.CHECKSUM_MISMATCH, part, "its SHA-256 is "
                            + read.sha256() + ", the manifest says " + stream.sha256()));
                }
            } catch (IOException e) {
                throw new BackupStorageException(storage.name(), backup.backupId(), "read part " + part, e);
            }
            total += count;
        }
        if (everyPart) {
            String sha = HexFormat.of().formatHex(whole.digest());
            if (!sha.equals(backup.sha256())) {
                problems.add(new BackupProblem(BackupProblem.Kind.CHECKSUM_MISMATCH, null, "the content's SHA-256 is "
                        + sha + ", the manifest says " + backup.sha256()));
            }
            long declared = backup.streams().stream().mapToLong(BackupStream::eventCount).sum();
            if (declared != backup.eventCount()) {
                problems.add(new BackupProblem(BackupProblem.Kind.COUNT_MISMATCH, null, "the manifest says "
                        + backup.eventCount() + " events in all, its streams " + declared));
            }
        }
        return new BackupValidation(backup.backupId(), total, problems);
    }

    /** A failure of whoever received the events (a store refusing an append), not of the backup's content. */
    private static final class SinkFailure extends RuntimeException {
        SinkFailure(Exception cause) {
            super(cause);
        }

        RuntimeException unwrap() {
            return getCause() instanceof RuntimeException e ? e
                    : new UncheckedIOException((IOException) getCause());
        }
    }

    /** Size and checksum of stored bytes that could not even be opened for decoding. */
    private static PartReader.Stored drain(InputStream in, MessageDigest whole) throws IOException {
        MessageDigest digest = Digests.sha256();
        byte[] buffer = new byte[64 * 1024];
        long bytes = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            digest.update(buffer, 0, n);
            whole.update(buffer, 0, n);
            bytes += n;
        }
        return new PartReader.Stored(bytes, HexFormat.of().formatHex(digest.digest()));
    }

    // ---------------------------------------------------------------------------------------------- restore

    @Override
    public RestoreResult restore(String backupId, RestoreOptions options) {
        long start = System.nanoTime();
        try {
            Located located = locate(backupId);
            scan(located, (stream, event) -> { }).orThrow();
            RestoreResult result = new Restore(this, located.backup(), options, start).run(
                    sink -> scan(located, sink));
            log.info("Restored backup {} of {}/{} into {}: {} events, document {}", backupId,
                    located.backup().objectName(), located.backup().objectId(), result.streams(), result.eventCount(),
                    result.document());
            listener.restored(result);
            return result;
        } catch (RuntimeException e) {
            listener.failed("restore", e);
            throw e;
        }
    }

    /** One restore's writes and their undoing. */
    private static final class Restore {

        private static final int BATCH_EVENTS = 500;
        private static final int BATCH_BYTES = 1024 * 1024;

        private final DefaultBackupRestoreService service;
        private final BackupDescriptor backup;
        private final RestoreOptions options;
        private final long start;
        private final List<StreamPointer> written = new ArrayList<>();
        private final List<StreamPointer> targets;
        private final Map<String, Appender> appenders = new LinkedHashMap<>();
        private long events;

        Restore(DefaultBackupRestoreService service, BackupDescriptor backup, RestoreOptions options, long start) {
            this.service = service;
            this.backup = backup;
            this.options = options;
            this.start = start;
            this.targets = computeTargets();
        }

        RestoreResult run(java.util.function.Function<EventSink, BackupValidation> scanWith) {
            for (StreamPointer target : targets) {
                long version = service.store(target.store()).version(target.streamId());
                if (version != 0) {
                    throw new RestoreConflictException(backup.backupId(), "Cannot restore backup '"
                            + backup.backupId() + "' into stream " + target.streamId() + " of store '"
                            + target.store() + "': it holds " + version + " events; restore into an absent or empty"
                            + " stream (RestoreOptions.toStream / toStore)");
                }
            }
            Optional<ObjectDocument> current = service.documents.get(backup.objectName(), backup.objectId());
            try {
                BackupValidation second = scanWith.apply(this::write);
                for (Appender appender : appenders.values()) {
                    appender.flush();
                }
                second.orThrow(); // changed since the first read: undone below
                RestoreResult.DocumentChange change = document(current, targets);
                return new RestoreResult(backup.backupId(), written, events, change,
                        Duration.ofNanos(System.nanoTime() - start));
            } catch (SinkFailure e) {
                RuntimeException cause = e.unwrap();
                undo(cause);
                throw cause;
            } catch (RuntimeException | Error e) {
                undo(e);
                throw e;
            }
        }

        private List<StreamPointer> computeTargets() {
            if (!options.merges()) {
                List<StreamPointer> targets = backup.streams().stream().map(BackupStream::pointer).toList();
                if (new HashSet<>(targets).size() != targets.size()) {
                    throw new RestoreConflictException(backup.backupId(), "Backup '" + backup.backupId()
                            + "' holds one stream twice; restore it into one stream (RestoreOptions.toStream)");
                }
                return targets;
            }
            StreamPointer active = backup.activeStream();
            return List.of(new StreamPointer(
                    options.targetStream() != null ? options.targetStream() : active.streamId(),
                    options.targetStore() != null ? options.targetStore() : active.store()));
        }

        private void write(BackupStream stream, StoredEvent event) {
            StreamPointer target;
            if (options.merges()) {
                if (event.isCloseEvent()) {
                    return; // the history goes into one stream: the closes that ended its parts are left out
                }
                target = targets.get(0);
            } else {
                target = stream.pointer();
            }
            appenders.computeIfAbsent(target.streamId() + "\u0000" + target.store(), k -> {
                written.add(target);
                return new Appender(service.store(target.store()), target.streamId());
            }).add(event);
            events++;
        }

        /** Creates or re-points the object document as the options say; a moved document is a conflict. */
        private RestoreResult.DocumentChange document(Optional<ObjectDocument> current, List<StreamPointer> targets) {
            StreamPointer active = options.merges() ? targets.get(0) : backup.activeStream();
            Set<StreamPointer> backedUp = new HashSet<>();
            backup.streams().forEach(s -> backedUp.add(s.pointer()));
            try {
                if (current.isEmpty()) {
                    ObjectDocument created = new ObjectDocument(backup.objectName(), backup.objectId(), active,
                            options.merges() ? List.of() : terminatedAsBackedUp(), backup.tags(), null);
                    service.documents.create(created);
                    created.tags().keySet().forEach(tag ->
                            service.tags.tagDocument(backup.objectName(), backup.objectId(), tag));
                    return RestoreResult.DocumentChange.CREATED;
                }
                if (!options.repointDocument()) {
                    return RestoreResult.DocumentChange.UNCHANGED;
                }
                ObjectDocument doc = current.get();
                List<TerminatedStream> terminated = options.merges()
                        ? doc.terminatedStreams().stream().filter(t -> !backedUp.contains(t.pointer())).toList()
                        : terminatedAsBackedUp();
                service.documents.update(new ObjectDocument(doc.objectName(), doc.objectId(), active, terminated,
                        doc.tags(), doc.etag()));
                return RestoreResult.DocumentChange.REPOINTED;
            } catch (DocumentConcurrencyException e) {
                throw new RestoreConflictException(backup.backupId(), "The document " + backup.objectName() + "/"
                        + backup.objectId() + " changed while backup '" + backup.backupId()
                        + "' was restored; nothing of the restore was kept: " + e.getMessage(), e);
            }
        }

        private List<TerminatedStream> terminatedAsBackedUp() {
            if (backup.document() != null) {
                return backup.document().terminatedStreams();
            }
            return backup.streams().stream().map(BackupStream::terminated)
                    .filter(java.util.Objects::nonNull).toList();
        }

        private void undo(Throwable cause) {
            for (StreamPointer pointer : written) {
                try {
                    service.store(pointer.store()).delete(pointer.streamId());
                } catch (RuntimeException e) {
                    cause.addSuppressed(e);
                    log.error("Restore of backup {} failed and stream {} in '{}' could not be removed: {}",
                            backup.backupId(), pointer.streamId(), pointer.store(), e.toString());
                }
            }
        }
    }

    /** Appends to one stream in bounded batches, each conditional on the version the last one left. */
    private static final class Appender {

        private final EventStore store;
        private final String streamId;
        private final List<dev.es.engine.event.EventData> batch = new ArrayList<>();
        private int batchBytes;
        private long version;

        Appender(EventStore store, String streamId) {
            this.store = store;
            this.streamId = streamId;
        }

        void add(StoredEvent event) {
            batch.add(new dev.es.engine.event.EventData(event.eventId(), event.type(), event.schemaVersion(),
                    event.payload(), event.metadata(), event.recordedAt()));
            batchBytes += event.payload().length() + 200;
            if (batch.size() >= Restore.BATCH_EVENTS || batchBytes >= Restore.BATCH_BYTES) {
                flush();
            }
        }

        void flush() {
            if (batch.isEmpty()) {
                return;
            }
            var expected = version == 0 ? dev.es.engine.store.ExpectedVersion.noStream()
                    : dev.es.engine.store.ExpectedVersion.exactly(version);
            var result = store.append(streamId, expected, List.copyOf(batch));
            if (result.newVersion() != version + batch.size()) {
                throw new IllegalStateException("Restoring into stream " + streamId + " wrote up to version "
                        + result.newVersion() + ", expected " + (version + batch.size())
                        + " (an event id appears twice?)");
            }
            version = result.newVersion();
            batch.clear();
            batchBytes = 0;
        }
    }

    // ---------------------------------------------------------------------------------------------- housekeeping

    @Override
    public boolean delete(String backupId) {
        BackupIds.requireBackupId(backupId);
        boolean deleted = false;
        for (BackupStorage storage : storages.values()) {
            try {
                deleted |= storage.delete(backupId);
            } catch (IOException e) {
                throw new BackupStorageException(storage.name(), backupId, "delete", e);
            }
        }
        if (deleted) {
            log.info("Deleted backup {}", backupId);
        }
        return deleted;
    }

    @Override
    public RetentionResult applyRetention() {
        Instant now = clock.instant();
        List<String> deleted = new ArrayList<>();
        List<String> abandoned = new ArrayList<>();
        for (BackupStorage storage : storages.values()) {
            Map<String, List<BackupDescriptor>> byObject = new LinkedHashMap<>();
            List<String> unfinished = new ArrayList<>();
            forEachManifest(storage, backup -> byObject.computeIfAbsent(
                    backup.objectName() + "\u0000" + backup.objectId(), k -> new ArrayList<>()).add(backup),
                    unfinished::add);
            for (List<BackupDescriptor> backups : byObject.values()) {
                backups.sort(Comparator.comparing(BackupDescriptor::createdAt).reversed());
                for (int i = 0; i < backups.size(); i++) {
                    BackupDescriptor backup = backups.get(i);
                    boolean tooMany = retention.maxCount() != null && i >= retention.maxCount();
                    boolean tooOld = retention.maxAge() != null
                            && backup.createdAt().isBefore(now.minus(retention.maxAge()));
                    if ((tooMany || tooOld) && deleteFrom(storage, backup.backupId())) {
                        deleted.add(backup.backupId());
                    }
                }
            }
            for (String id : unfinished) {
                Instant made = BackupIds.createdAt(id);
                if (made != null && made.isBefore(now.minus(ABANDONED_AFTER)) && deleteFrom(storage, id)) {
                    abandoned.add(id);
                }
            }
        }
        if (!deleted.isEmpty() || !abandoned.isEmpty()) {
            log.info("Backup retention deleted {} backups and {} unfinished ones", deleted.size(), abandoned.size());
        }
        return new RetentionResult(deleted, abandoned);
    }

    private static boolean deleteFrom(BackupStorage storage, String backupId) {
        try {
            return storage.delete(backupId);
        } catch (IOException e) {
            throw new BackupStorageException(storage.name(), backupId, "delete", e);
        }
    }
}
