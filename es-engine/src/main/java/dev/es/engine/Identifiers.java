package dev.es.engine;

import java.util.regex.Pattern;

/**
 * Validation of the identifiers every store must be able to hold: blob names, SQL text columns and map keys.
 * Identifiers start with a letter or digit and use letters, digits, '.', '_' and '-' only.
 */
public final class Identifiers {

    /** Longest stream id accepted; leaves room in a blob name for the store's prefix and chunk suffix. */
    public static final int MAX_STREAM_ID_LENGTH = 256;
    /** Longest object id accepted. */
    public static final int MAX_OBJECT_ID_LENGTH = 150;
    /** Longest object name, store name or tag accepted. */
    public static final int MAX_NAME_LENGTH = 100;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private Identifiers() {
    }

    public static String requireStreamId(String streamId) {
        return require("streamId", streamId, MAX_STREAM_ID_LENGTH);
    }

    public static String requireObjectName(String objectName) {
        return require("objectName", objectName, MAX_NAME_LENGTH);
    }

    public static String requireObjectId(String objectId) {
        return require("objectId", objectId, MAX_OBJECT_ID_LENGTH);
    }

    public static String requireStoreName(String storeName) {
        return require("store name", storeName, MAX_NAME_LENGTH);
    }

    public static String requireTag(String tag) {
        return require("tag", tag, MAX_NAME_LENGTH);
    }

    /** Checks {@code value} against the identifier rules, naming {@code kind} in the error. */
    public static String require(String kind, String value, int maxLength) {
        if (value == null) {
            throw new InvalidIdentifierException(kind, null, "must not be null");
        }
        if (value.isBlank()) {
            throw new InvalidIdentifierException(kind, value, "must not be blank");
        }
        if (value.length() > maxLength) {
            throw new InvalidIdentifierException(kind, value,
                    "is " + value.length() + " characters long, at most " + maxLength + " are allowed");
        }
        if (!ID.matcher(value).matches()) {
            throw new InvalidIdentifierException(kind, value,
                    "may contain only letters, digits, '.', '_' and '-', and must start with a letter or digit");
        }
        return value;
    }

    /** Whether every store can hold {@code text}: no U+0000 and no surrogate without its pair. */
    public static boolean isStorableText(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0' || Character.isLowSurrogate(c)) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            }
        }
        return true;
    }

    /** {@code text} for a message: U+0000 and unpaired surrogates as '?'. */
    public static String printable(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                b.append(c).append(text.charAt(++i));
            } else {
                b.append(c == '\0' || Character.isSurrogate(c) ? '?' : c);
            }
        }
        return b.toString();
    }
}
