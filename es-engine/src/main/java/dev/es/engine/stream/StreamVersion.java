package dev.es.engine.stream;

import dev.es.engine.document.StreamPointer;
import dev.es.engine.store.AppendResult;
import dev.es.engine.store.ExpectedVersion;
import java.util.Objects;

/**
 * A version as read from one stream of an object: what an exact append is judged against. A migration may renumber
 * an object's events (a transformer that drops or splits them), so a version only means something together with its
 * stream; {@link #expected()} keeps the two together, and an append through {@link EventStream} carries it over
 * every close on the way, as design section 4 point 3 says.
 *
 * @param stream  the stream the version was read from
 * @param version its version then (0 when it held no event)
 */
public record StreamVersion(StreamPointer stream, long version) {

    public StreamVersion {
        Objects.requireNonNull(stream, "stream");
        if (version < 0) {
            throw new IllegalArgumentException("A stream version must not be negative, was " + version);
        }
    }

    /** Where an append left its stream. */
    public static StreamVersion of(AppendResult appended) {
        return new StreamVersion(new StreamPointer(appended.streamId(), appended.store()), appended.newVersion());
    }

    /** The condition "the object is still where it was when this version was read". */
    public ExpectedVersion expected() {
        return ExpectedVersion.exactly(version, stream);
    }

    @Override
    public String toString() {
        return version + " of " + stream;
    }
}
