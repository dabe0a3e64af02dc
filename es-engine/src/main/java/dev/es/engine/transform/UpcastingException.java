package dev.es.engine.transform;

import dev.es.engine.EsException;
import dev.es.engine.event.StoredEvent;
import org.jspecify.annotations.Nullable;

/**
 * A registered upcaster broke the rules on read: it threw, answered no event, did not raise the schema version, or
 * the chain did not end. The read fails; nothing was written.
 */
public final class UpcastingException extends EsException {

    private final String upcaster;
    private final String eventId;

    public UpcastingException(String upcaster, StoredEvent event, String reason) {
        this(upcaster, event, reason, null);
    }

    public UpcastingException(String upcaster, StoredEvent event, String reason, @Nullable Throwable cause) {
        super("Upcaster " + upcaster + " on event " + event.eventId() + " ('" + event.type() + "' v"
                + event.schemaVersion() + ", version " + event.version() + "): " + reason, cause);
        this.upcaster = upcaster;
        this.eventId = event.eventId();
    }

    /** The upcaster at fault, as its {@code toString()} names it. */
    public String upcaster() {
        return upcaster;
    }

    /** The id of the event it was upcasting. */
    public String eventId() {
        return eventId;
    }
}
