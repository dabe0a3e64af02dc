package dev.es.engine.store.blob;

import dev.es.engine.ErrorCategory;
import dev.es.engine.EsException;

/**
 * An append whose events do not fit in one atomic write of the blob service (one append block of at most 4 MiB).
 * Nothing was written; split the events into smaller appends.
 */
public class AppendTooLargeException extends EsException {

    private final String streamId;
    private final int eventCount;
    private final long bytes;
    private final long limit;

    public AppendTooLargeException(String streamId, int eventCount, long bytes, long limit) {
        super("Append of " + eventCount + " events to stream '" + streamId + "' needs " + bytes
                + " bytes, more than the " + limit + " bytes one atomic blob append can hold; nothing was written."
                + " Split it into smaller appends");
        this.streamId = streamId;
        this.eventCount = eventCount;
        this.bytes = bytes;
        this.limit = limit;
    }

    public String streamId() {
        return streamId;
    }

    public int eventCount() {
        return eventCount;
    }

    /** The size of the encoded append. */
    public long bytes() {
        return bytes;
    }

    /** The most one atomic append may hold. */
    public long limit() {
        return limit;
    }

    /** {@link ErrorCategory#USAGE}: the request is wrong. */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.USAGE;
    }
}
