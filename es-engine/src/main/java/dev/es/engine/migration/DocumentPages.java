package dev.es.engine.migration;

import dev.es.engine.document.DocumentStore;
import dev.es.engine.document.ObjectDocument;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The documents of some object names, read from the document store a page of ids at a time
 * ({@link DocumentStore#objectIds(String, String, int)}) and each document as it is reached; those that do not match
 * the filter, or are gone by then, are passed over. Holds one page of ids.
 */
final class DocumentPages implements Iterator<ObjectDocument> {

    /** Ids per page. */
    static final int PAGE_SIZE = 500;

    private final DocumentStore documents;
    private final Iterator<String> objectNames;
    private final Predicate<ObjectDocument> filter;
    private final Deque<String> page = new ArrayDeque<>();
    private @Nullable String objectName;
    private @Nullable String after;
    private boolean lastPage = true;
    private @Nullable ObjectDocument next;

    DocumentPages(DocumentStore documents, List<String> objectNames, Predicate<ObjectDocument> filter) {
        this.documents = documents;
        this.objectNames = List.copyOf(objectNames).iterator();
        this.filter = filter;
    }

    @Override
    public boolean hasNext() {
        while (next == null) {
            if (page.isEmpty() && !fill()) {
                return false;
            }
            String id = page.poll();
            Optional<ObjectDocument> document = documents.get(objectName, id);
            if (document.isPresent() && filter.test(document.get())) {
                next = document.get();
            }
        }
        return true;
    }

    @Override
    public ObjectDocument next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        ObjectDocument document = next;
        next = null;
        return document;
    }

    /** Reads the next non-empty page, of this object name or the next; false when there is none. */
    private boolean fill() {
        while (true) {
            if (lastPage) {
                if (!objectNames.hasNext()) {
                    return false;
                }
                objectName = objectNames.next();
                after = null;
                lastPage = false;
            }
            List<String> ids = documents.objectIds(objectName, after, PAGE_SIZE);
            lastPage = ids.size() < PAGE_SIZE;
            if (!ids.isEmpty()) {
                page.addAll(ids);
                after = ids.get(ids.size() - 1);
                return true;
            }
        }
    }
}
