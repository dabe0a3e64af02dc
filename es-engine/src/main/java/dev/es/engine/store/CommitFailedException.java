package dev.es.engine.store;

import dev.es.engine.ErrorCategory;
import dev.es.engine.EsException;

/**
 * An append whose outcome is unknown (timeout, lost connection mid-write). Retrying the same events (same event ids)
 * with {@link #retryCondition()} is safe on every store: the store looks for them where the first attempt would
 * have put them, so they are never written twice, however far other writers moved the stream meanwhile.
 */
public class CommitFailedException extends EsException {

    private final String streamId;
    private final ExpectedVersion expected;
    private final long originalVersion;
    private final long attemptedVersion;
    private final boolean eventsMayBeWritten;

    /**
     * @param expected         the condition the append was made on (tied to its stream when the caller tied it)
     * @param originalVersion  the stream's version the attempt appended after, or -1 when not known
     * @param attemptedVersion the version the attempt's last event would have had, or -1 when not known
     */
    public CommitFailedException(String streamId, ExpectedVersion expected, long originalVersion,
                                 long attemptedVersion, boolean eventsMayBeWritten, Throwable cause) {
        super("Append to stream '" + streamId + "' (version " + originalVersion + " -> " + attemptedVersion
                + ") failed; the events " + (eventsMayBeWritten ? "may have been" : "were not") + " written"
                + (cause == null ? "" : ": " + cause.getMessage()), cause);
        this.streamId = streamId;
        this.expected = expected == null ? ExpectedVersion.any() : expected;
        this.originalVersion = originalVersion;
        this.attemptedVersion = attemptedVersion;
        this.eventsMayBeWritten = eventsMayBeWritten;
    }

    public String streamId() {
        return streamId;
    }

    /** The condition the failed append was made on. */
    public ExpectedVersion expected() {
        return expected;
    }

    /** The stream's version the attempt appended after, or -1 when not known. */
    public long originalVersion() {
        return originalVersion;
    }

    public long attemptedVersion() {
        return attemptedVersion;
    }

    public boolean eventsMayBeWritten() {
        return eventsMayBeWritten;
    }

    /**
     * The condition to retry the same events with: the original one when it named a version (a retry of a batch
     * that went through then finds it at that version), or, for an {@link ExpectedVersion#any() any} append (or a
     * retry of one) made at a known version, {@link ExpectedVersion#retryOfAny(long)} of that version.
     */
    public ExpectedVersion retryCondition() {
        if (expected.value() >= 0) {
            return expected;
        }
        if (originalVersion < 0) {
            return expected;
        }
        ExpectedVersion retry = ExpectedVersion.retryOfAny(originalVersion);
        return expected.stream() == null ? retry : retry.on(expected.stream());
    }

    /** {@link ErrorCategory#TRANSIENT}: trying again may work. */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.TRANSIENT;
    }
}
