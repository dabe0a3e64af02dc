package dev.es.engine.store;

import dev.es.engine.ErrorCategory;
import dev.es.engine.EsException;

/**
 * A version argument no stream can have: a negative expected version, or a read from a version below 1 (versions
 * are 1-based). Names the argument and its value; nothing was read or written.
 */
public class InvalidVersionException extends EsException {

    private final String argument;
    private final long value;

    public InvalidVersionException(String argument, long value, String rule) {
        super("Invalid " + argument + " " + value + ": " + rule);
        this.argument = argument;
        this.value = value;
    }

    /** Which argument was wrong, for example {@code fromVersion}. */
    public String argument() {
        return argument;
    }

    /** The rejected value. */
    public long value() {
        return value;
    }

    /** {@link ErrorCategory#USAGE}: the request is wrong. */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.USAGE;
    }
}
