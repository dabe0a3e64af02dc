package dev.es.engine.store;

import dev.es.engine.ErrorCategory;
import dev.es.engine.EsException;

/**
 * A fenced append whose token is below the stream's fence: a newer lock holder raised it, so this writer lost its
 * lock. Nothing was written.
 */
public class StaleFencingTokenException extends EsException {

    private final String streamId;
    private final long token;
    private final long currentFence;

    public StaleFencingTokenException(String streamId, long token, long currentFence) {
        super("Stream '" + streamId + "' is fenced at " + currentFence + "; an append with fencing token " + token
                + " is refused and nothing was written");
        this.streamId = streamId;
        this.token = token;
        this.currentFence = currentFence;
    }

    public String streamId() {
        return streamId;
    }

    /** The token the append was made with. */
    public long token() {
        return token;
    }

    /** The stream's fence when the append was refused. */
    public long currentFence() {
        return currentFence;
    }

    /** {@link ErrorCategory#CONFLICT}: the state moved or forbids it. */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.CONFLICT;
    }
}
