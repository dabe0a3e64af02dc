package dev.es.engine;

import org.jspecify.annotations.Nullable;

/** An identifier (stream id, object name, object id, store name, tag) that a store cannot hold. */
public class InvalidIdentifierException extends EsException {

    private final String kind;
    private final @Nullable String value;

    public InvalidIdentifierException(String kind, @Nullable String value, String reason) {
        super("Invalid " + kind + " " + quote(value) + ": " + reason);
        this.kind = kind;
        this.value = value;
    }

    private static String quote(@Nullable String value) {
        if (value == null) {
            return "null";
        }
        String shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
        return "'" + shown + "'";
    }

    /** What kind of identifier was wrong, for example {@code streamId}. */
    public String kind() {
        return kind;
    }

    /** The rejected value, possibly {@code null}. */
    public @Nullable String value() {
        return value;
    }

    /** {@link ErrorCategory#USAGE}: the request is wrong. */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.USAGE;
    }
}
