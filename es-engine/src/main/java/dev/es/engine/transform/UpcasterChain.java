package dev.es.engine.transform;

import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The lazy upcasters registered once on {@code EventStreams}, in order. {@link #apply(StoredEvent)} raises an event
 * step by step: at each step the first upcaster (in registration order) that {@link EventUpcaster#canUpcast matches}
 * the event's current {@code (type, schemaVersion)} is applied, until none matches; every step must raise the schema
 * version (no cycles), and a chain is cut off after {@link #MAX_STEPS} steps. The event id, stream version and
 * {@code recordedAt} are kept as stored.
 */
public final class UpcasterChain {

    /** Most steps one event may take through a chain. */
    public static final int MAX_STEPS = 64;

    private static final UpcasterChain NONE = new UpcasterChain(List.of());

    private final List<EventUpcaster> upcasters;

    private UpcasterChain(List<EventUpcaster> upcasters) {
        this.upcasters = List.copyOf(upcasters);
    }

    /** The chain that changes nothing. */
    public static UpcasterChain none() {
        return NONE;
    }

    /** A chain of {@code upcasters}, tried in this order. */
    public static UpcasterChain of(List<? extends EventUpcaster> upcasters) {
        Objects.requireNonNull(upcasters, "upcasters");
        upcasters.forEach(u -> Objects.requireNonNull(u, "upcaster"));
        return upcasters.isEmpty() ? NONE : new UpcasterChain(new ArrayList<>(upcasters));
    }

    /** A chain of {@code upcasters}, tried in this order. */
    public static UpcasterChain of(EventUpcaster... upcasters) {
        return of(Arrays.asList(upcasters));
    }

    /**
     * A chain of transformers registered as lazy, in this order; each must be one-to-one
     * ({@link EventUpcaster#lazy(EventTransformer)}), else {@link NotOneToOneTransformerException} naming it.
     */
    public static UpcasterChain ofTransformers(List<? extends EventTransformer> transformers) {
        return of(transformers.stream().map(EventUpcaster::lazy).toList());
    }

    /** The upcasters, in order. */
    public List<EventUpcaster> upcasters() {
        return upcasters;
    }

    public boolean isEmpty() {
        return upcasters.isEmpty();
    }

    /** Whether some upcaster matches {@code (type, schemaVersion)}. */
    public boolean canUpcast(String type, int schemaVersion) {
        for (EventUpcaster u : upcasters) {
            if (u.canUpcast(type, schemaVersion)) {
                return true;
            }
        }
        return false;
    }

    /** {@code event} raised through the chain; the same instance when no upcaster matches it. */
    public StoredEvent apply(StoredEvent event) {
        if (upcasters.isEmpty() || event.isCloseEvent()) {
            return event;
        }
        StoredEvent current = event;
        for (int step = 0; ; step++) {
            EventUpcaster next = first(current);
            if (next == null) {
                return current;
            }
            if (step == MAX_STEPS) {
                throw new UpcastingException(next.toString(), event, "the chain took more than " + MAX_STEPS
                        + " steps");
            }
            EventData out;
            try {
                out = next.upcast(current);
            } catch (UpcastingException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new UpcastingException(next.toString(), current, "it threw " + e, e);
            }
            if (out == null) {
                throw new UpcastingException(next.toString(), current, "it answered null");
            }
            if (out.schemaVersion() <= current.schemaVersion()) {
                throw new UpcastingException(next.toString(), current, "it answered schema version "
                        + out.schemaVersion() + "; an upcaster must raise the schema version");
            }
            if (out.isCloseEvent()) {
                throw new UpcastingException(next.toString(), current, "it answered a close event");
            }
            current = new StoredEvent(current.eventId(), out.type(), out.schemaVersion(), current.version(),
                    out.payload(), out.metadata(), current.recordedAt());
        }
    }

    /**
     * This chain as a one-to-one transformer, for a copy migration to bake the upcast in: it transforms exactly the
     * events the chain would raise on read, into their raised form (same event id).
     */
    public EventTransformer asTransformer() {
        return new ChainTransformer(this);
    }

    private @Nullable EventUpcaster first(StoredEvent event) {
        for (EventUpcaster u : upcasters) {
            if (u.canUpcast(event.type(), event.schemaVersion())) {
                return u;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "UpcasterChain" + upcasters;
    }

    /** {@link #asTransformer()}. */
    private record ChainTransformer(UpcasterChain chain) implements EventTransformer {

        @Override
        public boolean canTransform(String type, int schemaVersion) {
            return chain.canUpcast(type, schemaVersion);
        }

        @Override
        public List<EventData> transform(StoredEvent event) {
            return List.of(chain.apply(event).toEventData());
        }

        @Override
        public boolean isOneToOne() {
            return true;
        }

        @Override
        public String toString() {
            return "upcasters " + chain.upcasters;
        }
    }
}
