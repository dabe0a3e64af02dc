package dev.es.engine.stream;

import dev.es.engine.internal.WriteGates;
import dev.es.engine.Identifiers;
import dev.es.engine.document.DocumentConcurrencyException;
import dev.es.engine.document.DocumentStore;
import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.tag.TagStore;
import dev.es.engine.transform.UpcasterChain;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The entry point for writers and readers: opens the {@link EventStream} of an object, creating its document (and
 * so its first stream, in the default store) on first use.
 */
public final class EventStreams {

    private final EventStoreRegistry stores;
    private final DocumentStore documents;
    private final TagStore tags;
    private final EventStreamSettings settings;
    private final String defaultStore;
    private final EventStreamListener listener;
    private final UpcasterChain upcasters;
    private final WriteGates gates = new WriteGates();

    public EventStreams(EventStoreRegistry stores, DocumentStore documents, TagStore tags,
                        EventStreamSettings settings, String defaultStore) {
        this(stores, documents, tags, settings, defaultStore, EventStreamListener.NONE);
    }

    public EventStreams(EventStoreRegistry stores, DocumentStore documents, TagStore tags,
                        EventStreamSettings settings, String defaultStore, EventStreamListener listener) {
        this(stores, documents, tags, settings, defaultStore, listener, UpcasterChain.none());
    }

    /**
     * Streams whose reads ({@link EventStream#readAll()}, {@link EventStream#replay}, and so aggregate loads) raise
     * every event through {@code upcasters} (lazy transform: nothing is written; event ids, versions and
     * {@code recordedAt} stay as stored). Writers keep writing the newest schema themselves.
     */
    public EventStreams(EventStoreRegistry stores, DocumentStore documents, TagStore tags,
                        EventStreamSettings settings, String defaultStore, EventStreamListener listener,
                        UpcasterChain upcasters) {
        this.upcasters = Objects.requireNonNull(upcasters, "upcasters");
        this.stores = Objects.requireNonNull(stores, "stores");
        this.documents = Objects.requireNonNull(documents, "documents");
        this.tags = Objects.requireNonNull(tags, "tags");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.defaultStore = stores.get(defaultStore).name();
        this.listener = listener == null ? EventStreamListener.NONE : listener;
    }

    /** The stream of {@code (objectName, objectId)}; its document is created, in the default store, if missing. */
    public EventStream open(String objectName, String objectId) {
        return new EventStream(this, document(objectName, objectId));
    }

    /** The stream of an existing object, or empty when it has no document. */
    public Optional<EventStream> find(String objectName, String objectId) {
        return documents.get(objectName, objectId).map(doc -> new EventStream(this, doc));
    }

    /** The document of {@code (objectName, objectId)}, created if missing. */
    public ObjectDocument document(String objectName, String objectId) {
        Identifiers.requireObjectName(objectName);
        Identifiers.requireObjectId(objectId);
        Optional<ObjectDocument> existing = documents.get(objectName, objectId);
        if (existing.isPresent()) {
            return existing.get();
        }
        StreamPointer first = new StreamPointer(streamIdFor(objectName, objectId), defaultStore);
        try {
            return documents.create(ObjectDocument.create(objectName, objectId, first));
        } catch (DocumentConcurrencyException raced) {
            return documents.get(objectName, objectId).orElseThrow(() -> raced);
        }
    }

    /** The id of the first stream of an object: its lower-cased name, a dash, its id. */
    public static String streamIdFor(String objectName, String objectId) {
        return Identifiers.requireStreamId(objectName.toLowerCase(Locale.ROOT) + "-" + objectId);
    }

    /** The ids of the documents of {@code objectName} that carry {@code tag}. */
    public Set<String> documentsWithTag(String objectName, String tag) {
        return tags.documentsWithTag(objectName, tag);
    }

    /** The streams that carry {@code tag}. */
    public Set<StreamPointer> streamsWithTag(String tag) {
        return tags.streamsWithTag(tag);
    }

    public EventStoreRegistry stores() {
        return stores;
    }

    public DocumentStore documents() {
        return documents;
    }

    public TagStore tags() {
        return tags;
    }

    public EventStreamSettings settings() {
        return settings;
    }

    /** The lazy upcasters reads apply (empty: none); a copy migration bakes them in before its own transformer. */
    public UpcasterChain upcasters() {
        return upcasters;
    }

    public String defaultStore() {
        return defaultStore;
    }

    EventStreamListener listener() {
        return listener;
    }

    /** Internal: the write gates a migration closes to make this process's writers of an object wait briefly. */
    public WriteGates gates() {
        return gates;
    }
}
