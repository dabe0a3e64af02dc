package dev.es.engine.backup;

import dev.es.engine.event.StoredEvent;
import dev.es.engine.internal.EventLines;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Reads one part's events back, line by line, counting and hashing the stored bytes as they come. After the last
 * event, {@link #drain()} reads whatever the decoder left (so that size and checksum cover every stored byte, even
 * when decoding stopped early) and answers them.
 */
final class PartReader implements AutoCloseable {

    private static final int BUFFER = 64 * 1024;

    private final Counting counting;
    private final InputStream lines;
    /** Decoded bytes not yet handed out: {@code buffer[start..end)}. */
    private byte[] buffer = new byte[BUFFER];
    private int start;
    private int end;
    private boolean eof;

    PartReader(InputStream stored, boolean compressed, @Nullable MessageDigest whole) throws IOException {
        this.counting = new Counting(stored, whole);
        this.lines = compressed ? new GZIPInputStream(counting, BUFFER) : counting;
    }

    /**
     * The next event, or {@code null} at the end.
     *
     * @throws IOException           when the stored bytes cannot be decoded (truncated gzip, a bad CRC)
     * @throws IllegalStateException when a line is not an event line
     */
    @Nullable StoredEvent next() throws IOException {
        int newline;
        int scanned = start;
        while ((newline = indexOfNewline(scanned)) < 0) {
            if (eof) {
                if (end > start) {
                    throw new IllegalStateException("the part ends inside a line (" + (end - start)
                            + " bytes without a newline)");
                }
                return null;
            }
            int scannedSoFar = end - start;
            fill();
            scanned = start + scannedSoFar;
        }
        EventLines.Line parsed = EventLines.parse(buffer, start, newline);
        start = newline + 1;
        if (parsed.version() < 1) {
            throw new IllegalStateException("an event line has no version");
        }
        return parsed.event(parsed.version());
    }

    private int indexOfNewline(int from) {
        for (int i = from; i < end; i++) {
            if (buffer[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Reads more decoded bytes, keeping the unfinished line at the front (and growing for a long line). */
    private void fill() throws IOException {
        if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == buffer.length) {
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
        int n = lines.read(buffer, end, buffer.length - end);
        if (n < 0) {
            eof = true;
        } else {
            end += n;
        }
    }

    /** Reads the stored bytes to their end; answers how many there were and their SHA-256. */
    Stored drain() throws IOException {
        byte[] skip = new byte[BUFFER];
        while (counting.read(skip, 0, skip.length) != -1) {
            // counted and hashed on the way
        }
        return new Stored(counting.bytes, HexFormat.of().formatHex(counting.digest.digest()));
    }

    @Override
    public void close() throws IOException {
        counting.close();
    }

    /** The size and SHA-256 of a part's stored bytes. */
    record Stored(long bytes, String sha256) {
    }

    private static final class Counting extends FilterInputStream {
        private final MessageDigest digest = Digests.sha256();
        private final @Nullable MessageDigest whole;
        private long bytes;

        Counting(InputStream in, @Nullable MessageDigest whole) {
            super(in);
            this.whole = whole;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b != -1) {
                digest.update((byte) b);
                if (whole != null) {
                    whole.update((byte) b);
                }
                bytes++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                digest.update(b, off, n);
                if (whole != null) {
                    whole.update(b, off, n);
                }
                bytes += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buffer = new byte[(int) Math.min(n, BUFFER)];
            int read = read(buffer, 0, buffer.length);
            return Math.max(read, 0);
        }
    }
}
