package dev.es.engine.store;

import dev.es.engine.document.StreamPointer;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The condition an append is made on: any version, an empty (or absent) stream, or an exact version. Versions are
 * 1-based; an empty stream is at version 0.
 *
 * <p>A version number belongs to the stream it was read from: a migration may renumber an object's events (a
 * transformer that splits or drops events), so the same number means different things on a stream and on its
 * continuation. {@link #exactly(long, StreamPointer)} ties a version to its stream; an append through an
 * {@code EventStream} then starts on that stream and carries the version over each close on the way (design
 * section 4 point 3), never comparing it with another stream's numbering.
 *
 * <p>{@link #retryOfAny(long)} is what {@link CommitFailedException#retryCondition()} hands back for an
 * {@link #any()} append whose outcome was unknown: it still appends at any version, and tells the store where the
 * first attempt would have put the events, so that the store finds them there, however far the stream moved since.
 */
public sealed interface ExpectedVersion {

    /** Append whatever the stream's version. */
    static ExpectedVersion any() {
        return Any.INSTANCE;
    }

    /** Append only if the stream holds no event yet (version 0). */
    static ExpectedVersion noStream() {
        return NoStream.INSTANCE;
    }

    /** Append only if the stream's version is exactly {@code version}. */
    static ExpectedVersion exactly(long version) {
        return new Exactly(version, null);
    }

    /** Append only if {@code stream}, the stream {@code version} was read from, is still at {@code version}. */
    static ExpectedVersion exactly(long version, StreamPointer stream) {
        return new Exactly(version, Objects.requireNonNull(stream, "stream"));
    }

    /**
     * Append at any version, retrying an earlier attempt of the same events that would have appended them right
     * after {@code originalVersion}; the store looks for them there before appending.
     */
    static ExpectedVersion retryOfAny(long originalVersion) {
        return new RetryOfAny(originalVersion, null);
    }

    /** Whether a stream at {@code actual} satisfies this condition. */
    boolean matches(long actual);

    /** The exact version this condition names, or -1 for {@link #any()} and {@link #retryOfAny(long)}. */
    long value();

    /**
     * Where the events of this append would already be if an earlier attempt of it went through: right after this
     * version. -1 when no earlier attempt is known ({@link #any()}).
     */
    default long retryPosition() {
        return value();
    }

    /** The stream this version was read from, or {@code null} when it is not tied to one. */
    default @Nullable StreamPointer stream() {
        return null;
    }

    /** This condition without its stream: what a store is asked to check. */
    default ExpectedVersion unbound() {
        return this;
    }

    /** This condition tied to {@code stream}, the stream it was read from; {@link #any()} needs no stream. */
    default ExpectedVersion on(StreamPointer stream) {
        return this;
    }

    /** Any version. */
    enum Any implements ExpectedVersion {
        INSTANCE;

        @Override
        public boolean matches(long actual) {
            return true;
        }

        @Override
        public long value() {
            return -1;
        }

        @Override
        public String toString() {
            return "any";
        }
    }

    /** An empty or absent stream. */
    enum NoStream implements ExpectedVersion {
        INSTANCE;

        @Override
        public boolean matches(long actual) {
            return actual == 0;
        }

        @Override
        public long value() {
            return 0;
        }

        @Override
        public ExpectedVersion on(StreamPointer stream) {
            return new Exactly(0, stream);
        }

        @Override
        public String toString() {
            return "noStream";
        }
    }

    /**
     * Exactly {@code version}, of {@code stream} when it is given.
     *
     * @param stream the stream the version was read from, or {@code null}
     */
    record Exactly(long version, @Nullable StreamPointer stream) implements ExpectedVersion {

        public Exactly {
            if (version < 0) {
                throw new InvalidVersionException("expected version", version, "it must not be negative");
            }
        }

        public Exactly(long version) {
            this(version, null);
        }

        @Override
        public boolean matches(long actual) {
            return actual == version;
        }

        @Override
        public long value() {
            return version;
        }

        @Override
        public ExpectedVersion unbound() {
            return stream == null ? this : new Exactly(version, null);
        }

        @Override
        public ExpectedVersion on(StreamPointer on) {
            return new Exactly(version, on);
        }

        @Override
        public String toString() {
            return stream == null ? String.valueOf(version) : version + " of " + stream;
        }
    }

    /**
     * Any version, retrying an attempt that would have appended right after {@code originalVersion}.
     *
     * @param originalVersion the stream's version when the first attempt was made
     * @param stream          the stream of the first attempt, or {@code null}
     */
    record RetryOfAny(long originalVersion, @Nullable StreamPointer stream) implements ExpectedVersion {

        public RetryOfAny {
            if (originalVersion < 0) {
                throw new InvalidVersionException("original version of a retry", originalVersion,
                        "it must not be negative");
            }
        }

        @Override
        public boolean matches(long actual) {
            return true;
        }

        @Override
        public long value() {
            return -1;
        }

        @Override
        public long retryPosition() {
            return originalVersion;
        }

        @Override
        public ExpectedVersion unbound() {
            return stream == null ? this : new RetryOfAny(originalVersion, null);
        }

        @Override
        public ExpectedVersion on(StreamPointer on) {
            return new RetryOfAny(originalVersion, on);
        }

        @Override
        public String toString() {
            return "any (retry of an append after " + originalVersion + (stream == null ? "" : " of " + stream) + ")";
        }
    }
}
