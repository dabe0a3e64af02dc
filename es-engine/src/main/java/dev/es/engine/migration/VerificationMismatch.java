package dev.es.engine.migration;

import org.jspecify.annotations.Nullable;

/**
 * The first difference a verification found between a migration's target and its source as transformed.
 *
 * @param targetVersion the version in the target stream where it differs (for a missing event: where it should be)
 * @param sourceVersion the version of the source event it comes from, or 0 when not known (an extra target event)
 * @param eventId       the id of the event concerned (the expected one when known, else the target's), or
 *                      {@code null}
 * @param field         what differs: {@code count}, {@code missing} (the target lacks an event), {@code extra} (the
 *                      target holds one too many), {@code eventId}, {@code type}, {@code schemaVersion},
 *                      {@code payload}, {@code metadata}, {@code recordedAt}, {@code hash} (the target's hash
 *                      differs but no single event could be named), {@code transform} (the transformer failed while
 *                      verifying) or {@code check} (a custom check, named by {@code check})
 * @param detail        what was expected and found, without payload contents (a payload difference names its JSON
 *                      path)
 * @param check         the name of the custom check that failed, or {@code null}
 */
public record VerificationMismatch(long targetVersion, long sourceVersion, @Nullable String eventId, String field,
                                   String detail, @Nullable String check) {

    /** One sentence an operator can read: where, which event, which field, what. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        s.append("target version ").append(targetVersion);
        if (sourceVersion > 0) {
            s.append(" (source version ").append(sourceVersion).append(')');
        }
        if (eventId != null) {
            s.append(", event ").append(eventId);
        }
        s.append(": ").append(check != null ? "check '" + check + "'" : field).append(" - ").append(detail);
        return s.toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
