package dev.es.engine.backup;

import dev.es.engine.event.StoredEvent;
import dev.es.engine.internal.EventLines;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Writes one stream's events into a part as JSON lines, optionally gzip-compressed, counting and hashing the stored
 * bytes on their way out (so nothing is read back to checksum it), and into the backup's whole-content digest.
 * Memory stays at the encoder's buffers whatever the stream's length.
 */
final class PartWriter implements AutoCloseable {

    private static final int BUFFER = 64 * 1024;

    private final PartOutput part;
    private final Counting counting;
    private final OutputStream lines;
    private long events;
    private long firstVersion;
    private long lastVersion;

    PartWriter(PartOutput part, boolean compressed, MessageDigest whole) throws IOException {
        this.part = part;
        this.counting = new Counting(part, whole);
        // lines are small: gathered first, so that the deflater (or the storage) sees large writes
        this.lines = new BufferedOutputStream(compressed ? new FastGzip(counting) : counting, BUFFER);
    }

    void write(StoredEvent event) throws IOException {
        if (events == 0) {
            firstVersion = event.version();
        }
        lines.write(EventLines.line(event));
        lastVersion = event.version();
        events++;
    }

    /** Flushes, commits the part and describes it. */
    BackupStream commit(String streamId, String store, dev.es.engine.document.@org.jspecify.annotations.Nullable
            TerminatedStream terminated, String partName) throws IOException {
        lines.close(); // finishes the gzip trailer; the part itself stays open until the commit
        part.commit();
        return new BackupStream(streamId, store, terminated, partName, firstVersion, lastVersion, events,
                counting.bytes, HexFormat.of().formatHex(counting.digest.digest()));
    }

    long events() {
        return events;
    }

    @Override
    public void close() throws IOException {
        part.close();
    }

    /** Gzip at its fastest level: a backup is bound by how fast it reads, not by how small it gets. */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, BUFFER);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }

    /** Counts and hashes what passes, and keeps the part open when the encoder closes. */
    private static final class Counting extends FilterOutputStream {
        private final MessageDigest digest = Digests.sha256();
        private final MessageDigest whole;
        private long bytes;

        Counting(OutputStream out, MessageDigest whole) {
            super(out);
            this.whole = whole;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            digest.update((byte) b);
            whole.update((byte) b);
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            digest.update(b, off, len);
            whole.update(b, off, len);
            bytes += len;
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
