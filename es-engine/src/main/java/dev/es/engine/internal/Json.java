package dev.es.engine.internal;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Internal, not part of the API: the engine's own JSON helpers (payload validation, the close event's payload, the
 * stores' metadata). Not for user payloads.
 */
public final class Json {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }

    /** The mapper the engine uses for its own records. */
    public static JsonMapper mapper() {
        return MAPPER;
    }

    /**
     * Whether {@code text} is one complete JSON value: checked in one pass over its characters, building and
     * allocating nothing (see {@link JsonCheck} for exactly what it accepts).
     */
    public static boolean isJson(String text) {
        return text != null && !text.isBlank() && JsonCheck.isJson(text);
    }

    /** What {@link #check(String)} found. */
    public enum Check {
        /** One complete JSON value. */
        JSON,
        /** Not JSON. */
        NOT_JSON,
        /** JSON whose strings hold U+0000 (the escape {@code \u0000}), which PostgreSQL's jsonb cannot store. */
        NUL,
        /**
         * JSON whose strings hold a UTF-16 surrogate without its pair, which UTF-8, and so PostgreSQL's jsonb and a
         * blob's bytes, cannot carry.
         */
        LONE_SURROGATE
    }

    /**
     * {@link #isJson(String)}, telling apart JSON whose strings hold U+0000 or a surrogate without its pair: one pass,
     * the check of every payload.
     */
    public static Check check(String text) {
        return text == null || text.isBlank() ? Check.NOT_JSON : JsonCheck.check(text);
    }

    /** Parses {@code text}; used by tests and stores that compare payloads semantically. */
    public static JsonNode tree(String text) {
        return MAPPER.readTree(text);
    }
}
