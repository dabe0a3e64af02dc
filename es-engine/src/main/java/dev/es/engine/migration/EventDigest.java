package dev.es.engine.migration;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A rolling SHA-256 over a sequence of events: each event adds its id, type, schema version and canonical payload
 * ({@link CanonicalJson}), each field prefixed by its length so that no two sequences feed the same bytes. Its value
 * can be read at any point without ending it, so one digest follows a stream as it grows.
 */
final class EventDigest {

    private MessageDigest sha;
    private long count;

    EventDigest() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Adds one event. */
    void add(String eventId, String type, int schemaVersion, String payload) {
        field(eventId.getBytes(StandardCharsets.UTF_8));
        field(type.getBytes(StandardCharsets.UTF_8));
        sha.update(ByteBuffer.allocate(4).putInt(schemaVersion).array());
        field(CanonicalJson.canonical(payload).getBytes(StandardCharsets.UTF_8));
        count++;
    }

    private void field(byte[] bytes) {
        sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        sha.update(bytes);
    }

    /** How many events were added. */
    long count() {
        return count;
    }

    /** The hash of the events added so far, in hex; adding goes on afterwards. */
    String value() {
        try {
            return HexFormat.of().formatHex(((MessageDigest) sha.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the SHA-256 digest of this JVM cannot be cloned", e);
        }
    }
}
