package dev.es.engine.event;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Maps event type names (with schema versions) to Java classes and back, with JSON payloads written by the
 * application's Jackson 3 mapper. Register every event class once; unknown types fail with
 * {@link UnknownEventTypeException}.
 */
public final class EventSerializer {

    private record TypeKey(String type, int schemaVersion) {
    }

    private record Registration(String type, int schemaVersion) {
    }

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]{0,63}");

    private final JsonMapper mapper;
    private final Map<Class<?>, Registration> byClass = new ConcurrentHashMap<>();
    private final Map<TypeKey, Class<?>> byType = new ConcurrentHashMap<>();

    public EventSerializer(JsonMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    /** A serializer with a default Jackson 3 mapper. */
    public EventSerializer() {
        this(JsonMapper.builder().build());
    }

    /** Registers {@code eventClass} under {@code type}, schema version 1. */
    public EventSerializer register(Class<?> eventClass, String type) {
        return register(eventClass, type, 1);
    }

    /** Registers {@code eventClass} under {@code type} and {@code schemaVersion}; the class is written with that version. */
    public EventSerializer register(Class<?> eventClass, String type, int schemaVersion) {
        Objects.requireNonNull(eventClass, "eventClass");
        if (type == null || type.isBlank()) {
            throw new InvalidEventException("Event type name for " + eventClass.getName() + " must not be blank");
        }
        if (CloseEvent.TYPE.equals(type)) {
            throw new InvalidEventException("'" + CloseEvent.TYPE + "' is reserved for close events");
        }
        if (schemaVersion < 1) {
            throw new InvalidEventException("Schema version of '" + type + "' must be 1 or more, was " + schemaVersion);
        }
        Class<?> previous = byType.putIfAbsent(new TypeKey(type, schemaVersion), eventClass);
        if (previous != null && previous != eventClass) {
            throw new InvalidEventException("Event type '" + type + "' v" + schemaVersion + " is already registered for "
                    + previous.getName());
        }
        byClass.put(eventClass, new Registration(type, schemaVersion));
        return this;
    }

    /** Whether {@code type} in {@code schemaVersion} can be deserialized. */
    public boolean isRegistered(String type, int schemaVersion) {
        return byType.containsKey(new TypeKey(type, schemaVersion));
    }

    /** The type name {@code eventClass} is written under. */
    public String typeOf(Class<?> eventClass) {
        return registration(eventClass).type();
    }

    /** Turns an event object into event data with a random event id. */
    public EventData serialize(Object event) {
        return serialize(event, Map.of());
    }

    /** Turns an event object into event data with a random event id and the given metadata. */
    public EventData serialize(Object event, Map<String, String> metadata) {
        Objects.requireNonNull(event, "event");
        Registration registration = registration(event.getClass());
        String payload;
        try {
            payload = mapper.writeValueAsString(event);
        } catch (JacksonException e) {
            throw new InvalidEventException("Event of type '" + registration.type() + "' cannot be written as JSON: "
                    + described(e), withoutValues(e));
        }
        return new EventData(null, registration.type(), registration.schemaVersion(), payload, metadata);
    }

    /** Reads a stored event back into its registered class. */
    public Object deserialize(StoredEvent event) {
        Class<?> target = byType.get(new TypeKey(event.type(), event.schemaVersion()));
        if (target == null) {
            throw new UnknownEventTypeException(event.type(), event.schemaVersion(),
                    "Event " + event.eventId() + " at version " + event.version() + " has type '" + event.type()
                            + "' v" + event.schemaVersion() + ", which is not registered with the EventSerializer");
        }
        try {
            return mapper.readValue(event.payload(), target);
        } catch (JacksonException e) {
            throw new InvalidEventException("Payload of event " + event.eventId() + " ('" + event.type() + "' v"
                    + event.schemaVersion() + ") does not fit " + target.getName() + ": " + described(e),
                    withoutValues(e));
        }
    }

    /**
     * What Jackson found wrong, without quoting any value of the payload (Jackson's own message may, and this one is
     * logged): the kind of error, where in the JSON (property names that are plain identifiers, array indexes; any
     * other name, a map key perhaps, as {@code ?}), the type expected there and the line and column.
     */
    static String described(JacksonException e) {
        StringBuilder b = new StringBuilder(e.getClass().getSimpleName());
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            } else {
                String name = ref.getPropertyName();
                path.append(path.length() == 0 ? "" : ".")
                        .append(name != null && IDENTIFIER.matcher(name).matches() ? name : "?");
            }
        }
        if (path.length() > 0) {
            b.append(" at ").append(path);
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            b.append(", expected ").append(mismatch.getTargetType().getSimpleName());
        }
        TokenStreamLocation location = e.getLocation();
        if (location != null && location.getLineNr() > 0) {
            b.append(" (line ").append(location.getLineNr()).append(", column ").append(location.getColumnNr())
                    .append(')');
        }
        return b.toString();
    }

    /** A stand-in for Jackson's exception as a cause: its description and stack, not its message. */
    private static RuntimeException withoutValues(JacksonException e) {
        RuntimeException cause = new RuntimeException(described(e) + " (Jackson's message is left out: it may quote"
                + " the payload)");
        cause.setStackTrace(e.getStackTrace());
        return cause;
    }

    private Registration registration(Class<?> eventClass) {
        Registration registration = byClass.get(eventClass);
        if (registration == null) {
            throw new UnknownEventTypeException(null, 0,
                    "Event class " + eventClass.getName() + " is not registered with the EventSerializer");
        }
        return registration;
    }
}
