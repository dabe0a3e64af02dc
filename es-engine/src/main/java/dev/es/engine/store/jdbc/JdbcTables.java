package dev.es.engine.store.jdbc;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The names of the es tables, all starting with one validated prefix (default {@code es_}). Only names built here
 * are ever put into SQL text; every value goes in as a parameter.
 *
 * @param prefix the table prefix, matching {@link #PREFIX_PATTERN}
 */
public record JdbcTables(String prefix) {

    /** What a prefix may look like. */
    public static final String PREFIX_PATTERN = "[a-z][a-z0-9_]{0,30}";
    /** The prefix used when none is configured. */
    public static final String DEFAULT_PREFIX = "es_";

    private static final Pattern PREFIX = Pattern.compile(PREFIX_PATTERN);

    public JdbcTables {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new InvalidTablePrefixException(prefix);
        }
    }

    /** Tables named with the default prefix {@code es_}. */
    public static JdbcTables defaults() {
        return new JdbcTables(DEFAULT_PREFIX);
    }

    /** One row per stream: its version and, once closed, its close event's payload. */
    public String streams() {
        return prefix + "streams";
    }

    public String events() {
        return prefix + "events";
    }

    public String documents() {
        return prefix + "documents";
    }

    public String documentTags() {
        return prefix + "document_tags";
    }

    public String streamTags() {
        return prefix + "stream_tags";
    }

    public String migrations() {
        return prefix + "migrations";
    }

    public String locks() {
        return prefix + "locks";
    }

    /** The sequence document etags are drawn from. */
    public String documentEtagSequence() {
        return prefix + "document_etag_seq";
    }

    /** The function that appends in one statement (see the schema script). */
    public String appendFunction() {
        return prefix + "append";
    }

    /** Every table the schema creates. */
    public List<String> all() {
        return List.of(streams(), events(), documents(), documentTags(), streamTags(), migrations(), locks());
    }
}
