package dev.es.engine.stream;

import dev.es.engine.store.EventStreamClosedException;

/**
 * An append followed as many continuation hops as {@code maxStreamContinuationRetries} allows and still met a closed
 * stream. Nothing was written.
 */
public class ContinuationRetriesExhaustedException extends EventStreamClosedException {

    private final int hops;

    public ContinuationRetriesExhaustedException(String objectName, String objectId, int hops,
                                                 EventStreamClosedException last) {
        super(last.streamId(), last.close());
        initCause(last);
        this.hops = hops;
        this.message = "Append to " + objectName + "/" + objectId + " followed " + hops
                + " stream continuation(s), the most allowed (maxStreamContinuationRetries), and stream '"
                + last.streamId() + "' is closed too; it continues in '" + last.continuationStreamId() + "'";
    }

    private final String message;

    @Override
    public String getMessage() {
        return message;
    }

    public int hops() {
        return hops;
    }
}
