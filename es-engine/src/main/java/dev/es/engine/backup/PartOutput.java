package dev.es.engine.backup;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The bytes of one backup part on their way into a {@link BackupStorage}: written as a stream, made visible only by
 * {@link #commit()}. {@link #close()} without a commit discards them.
 */
public abstract class PartOutput extends OutputStream {

    /**
     * Stores everything written as the part and makes it visible; afterwards the output is closed. Refuses (with an
     * {@link IOException}) a part that already exists.
     */
    public abstract void commit() throws IOException;

    /** Discards what was written unless {@link #commit()} succeeded; safe to call more than once. */
    @Override
    public abstract void close() throws IOException;
}
