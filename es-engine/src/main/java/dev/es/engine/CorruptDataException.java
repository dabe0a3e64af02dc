package dev.es.engine;

import org.jspecify.annotations.Nullable;

/**
 * Something es wrote was found garbled when read back (a document, a close event, a routing entry, a chunk of
 * events): changed outside es, or damaged. Names what was unreadable and where; never quotes user payloads. Nothing
 * was written on the way. Not retried: repair or restore the object named, then try again.
 */
public class CorruptDataException extends EsException {

    private final String subject;
    private final String location;

    /**
     * @param subject  what was unreadable, for example {@code document Order/42} or {@code close event of stream order-42}
     * @param location where it was read: the store, table or container
     * @param reason   what was wrong with it
     * @param cause    the parser's or decoder's error, if any
     */
    public CorruptDataException(String subject, String location, String reason, @Nullable Throwable cause) {
        super("Corrupt " + subject + " in " + location + ": " + reason, cause);
        this.subject = subject;
        this.location = location;
    }

    /** What was unreadable, for example {@code document Order/42}. */
    public String subject() {
        return subject;
    }

    /** Where it was read: the store, table or container. */
    public String location() {
        return location;
    }

    /** {@link ErrorCategory#FAILURE}: trying again reads the same bytes. */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.FAILURE;
    }

    /** A short reason from {@code failure}'s message: its first line, at most 200 characters, never a payload. */
    public static String reasonOf(Throwable failure) {
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        int line = message.indexOf('\n');
        if (line >= 0) {
            message = message.substring(0, line);
        }
        return message.length() > 200 ? message.substring(0, 200) + "..." : message;
    }
}
