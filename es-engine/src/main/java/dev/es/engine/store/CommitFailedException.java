package dev.es.engine.store;

import dev.es.engine.EsException;

/**
 * An append whose outcome is unknown (timeout, lost connection mid-write). Retrying the same events (same event ids)
 * is safe: a store never writes an event id twice in one stream.
 */
public class CommitFailedException extends EsException {

    private final String streamId;
    private final long originalVersion;
    private final long attemptedVersion;
    private final boolean eventsMayBeWritten;

    public CommitFailedException(String streamId, long originalVersion, long attemptedVersion,
                                 boolean eventsMayBeWritten, Throwable cause) {
        super("Append to stream '" + streamId + "' (version " + originalVersion + " -> " + attemptedVersion
                + ") failed; the events " + (eventsMayBeWritten ? "may have been" : "were not") + " written"
                + (cause == null ? "" : ": " + cause.getMessage()), cause);
        this.streamId = streamId;
        this.originalVersion = originalVersion;
        this.attemptedVersion = attemptedVersion;
        this.eventsMayBeWritten = eventsMayBeWritten;
    }

    public String streamId() {
        return streamId;
    }

    public long originalVersion() {
        return originalVersion;
    }

    public long attemptedVersion() {
        return attemptedVersion;
    }

    public boolean eventsMayBeWritten() {
        return eventsMayBeWritten;
    }
}
