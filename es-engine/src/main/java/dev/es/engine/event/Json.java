package dev.es.engine.event;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The engine's own JSON helpers: payload validation and the close event's payload. Not for user payloads. */
public final class Json {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }

    /** The mapper the engine uses for its own records. */
    public static JsonMapper mapper() {
        return MAPPER;
    }

    /**
     * Whether {@code text} is one complete JSON value. Checked by streaming through its tokens, building nothing, so
     * the check costs little more than reading the text once.
     */
    public static boolean isJson(String text) {
        if (text == null || text.isBlank()) {
            return false;
        }
        try (JsonParser parser = MAPPER.createParser(text)) {
            if (parser.nextToken() == null) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null; // nothing after the one value
        } catch (JacksonException e) {
            return false;
        }
    }

    /** Parses {@code text}; used by tests and stores that compare payloads semantically. */
    public static JsonNode tree(String text) {
        return MAPPER.readTree(text);
    }
}
