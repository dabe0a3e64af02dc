package dev.es.engine.store;

/**
 * The condition an append is made on: any version, an empty (or absent) stream, or an exact version.
 * Versions are 1-based; an empty stream is at version 0.
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
        return new Exactly(version);
    }

    /** Whether a stream at {@code actual} satisfies this condition. */
    boolean matches(long actual);

    /** The exact version this condition names, or -1 for {@link #any()}. */
    long value();

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
        public String toString() {
            return "noStream";
        }
    }

    /** Exactly {@code version}. */
    record Exactly(long version) implements ExpectedVersion {

        public Exactly {
            if (version < 0) {
                throw new IllegalArgumentException("Expected version must not be negative, was " + version);
            }
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
        public String toString() {
            return String.valueOf(version);
        }
    }
}
