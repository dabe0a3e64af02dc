package dev.es.engine;

/**
 * What kind of failure an {@link EsException} is, so that a caller or a retry policy can tell what to do without
 * knowing every exception type.
 */
public enum ErrorCategory {

    /**
     * The state moved or forbids the request (another writer came first, the stream is closed, a newer lock holder
     * fenced this one): re-read, decide again, and maybe retry with a new condition. Trying the same request again
     * as it is gives the same answer.
     */
    CONFLICT,

    /**
     * The request may work when tried again as it is (a lost connection, a timeout, a lock still held elsewhere).
     * For an append, retry with {@code CommitFailedException.retryCondition()}: it never writes twice.
     */
    TRANSIENT,

    /** The request itself is wrong (bad input, an unknown store or type, too large): fix the call, not the timing. */
    USAGE,

    /** Something else is wrong (configuration, a missing schema or container, a failed migration): not retried. */
    FAILURE;

    /**
     * The category of any throwable: an {@link EsException}'s own; {@link IllegalArgumentException} and
     * {@link NullPointerException} (an argument check) are {@link #USAGE}; anything else {@link #FAILURE}.
     */
    public static ErrorCategory of(Throwable failure) {
        if (failure instanceof EsException es) {
            return es.category();
        }
        if (failure instanceof IllegalArgumentException || failure instanceof NullPointerException) {
            return USAGE;
        }
        return FAILURE;
    }
}
