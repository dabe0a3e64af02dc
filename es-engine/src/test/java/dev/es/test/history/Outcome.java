package dev.es.test.history;

/** What an append attempt answered, as the writer saw it. */
public enum Outcome {
    /** Acknowledged: its events must be in the history exactly once. */
    OK,
    /** Refused because the version moved ({@code WrongExpectedVersionException}): none of its events may be there. */
    CONFLICT,
    /** Refused because the stream was closed with no continuation left to follow: none of its events may be there. */
    CLOSED,
    /** The outcome is unknown ({@code CommitFailedException}): its events may be there, at most once. */
    UNKNOWN,
    /** Any other error: treated as an unknown outcome (at most once), and listed so that a test can refuse it. */
    ERROR;

    /** Whether the attempt was definitely refused, so nothing of it may be in the history. */
    public boolean refused() {
        return this == CONFLICT || this == CLOSED;
    }
}
