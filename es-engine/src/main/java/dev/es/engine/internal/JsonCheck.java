package dev.es.engine.internal;

/**
 * Checks that a text is one complete JSON value (RFC 8259) in a single pass over its characters, allocating
 * nothing: the check every event payload goes through, which a parser per event made the largest CPU cost of an
 * append. It accepts what the engine's Jackson mapper accepts by default and nothing more (no comments, single
 * quotes, NaN or unescaped control characters; at most {@value #MAX_DEPTH} levels of nesting and numbers of at most
 * {@value #MAX_NUMBER_LENGTH} characters).
 */
final class JsonCheck {

    static final int MAX_DEPTH = 500;
    static final int MAX_NUMBER_LENGTH = 1000;

    private final String text;
    private int at;
    /** Whether a string held a UTF-16 surrogate without its pair, as a character or as a {@code \\u} escape. */
    private boolean loneSurrogate;
    /** Whether a string held U+0000 (as JSON can only: the escape {@code \\u0000}). */
    private boolean nul;

    private JsonCheck(String text) {
        this.text = text;
    }

    static boolean isJson(String text) {
        return check(text) != Json.Check.NOT_JSON;
    }

    /**
     * Whether {@code text} is JSON, and whether its strings hold U+0000 or a surrogate without its pair (Jackson reads
     * both).
     */
    static Json.Check check(String text) {
        if (text == null) {
            return Json.Check.NOT_JSON;
        }
        JsonCheck check = new JsonCheck(text);
        check.skipSpace();
        if (!check.value(0)) {
            return Json.Check.NOT_JSON;
        }
        check.skipSpace();
        if (check.at != text.length()) {
            return Json.Check.NOT_JSON;
        }
        return check.nul ? Json.Check.NUL : check.loneSurrogate ? Json.Check.LONE_SURROGATE : Json.Check.JSON;
    }

    private boolean value(int depth) {
        if (at >= text.length()) {
            return false;
        }
        char c = text.charAt(at);
        switch (c) {
            case '{':
                return depth < MAX_DEPTH && object(depth + 1);
            case '[':
                return depth < MAX_DEPTH && array(depth + 1);
            case '"':
                return string();
            case 't':
                return literal("true");
            case 'f':
                return literal("false");
            case 'n':
                return literal("null");
            default:
                return c == '-' || c >= '0' && c <= '9' ? number() : false;
        }
    }

    private boolean object(int depth) {
        at++; // {
        skipSpace();
        if (peek() == '}') {
            at++;
            return true;
        }
        while (true) {
            if (peek() != '"' || !string()) {
                return false;
            }
            skipSpace();
            if (peek() != ':') {
                return false;
            }
            at++;
            skipSpace();
            if (!value(depth)) {
                return false;
            }
            skipSpace();
            char next = peek();
            at++;
            if (next == '}') {
                return true;
            }
            if (next != ',') {
                return false;
            }
            skipSpace();
        }
    }

    private boolean array(int depth) {
        at++; // [
        skipSpace();
        if (peek() == ']') {
            at++;
            return true;
        }
        while (true) {
            if (!value(depth)) {
                return false;
            }
            skipSpace();
            char next = peek();
            at++;
            if (next == ']') {
                return true;
            }
            if (next != ',') {
                return false;
            }
            skipSpace();
        }
    }

    /** The four hex digits at {@code from} as a number, or -1 when there are not four. */
    private int hex4(int from) {
        if (from + 4 > text.length()) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < from + 4; i++) {
            int digit = Character.digit(text.charAt(i), 16);
            if (digit < 0) {
                return -1;
            }
            value = value * 16 + digit;
        }
        return value;
    }

    private boolean string() {
        at++; // opening quote
        int length = text.length();
        while (at < length) {
            char c = text.charAt(at++);
            if (c == '"') {
                return true;
            }
            if (c < 0x20) {
                return false;
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && at < length && Character.isLowSurrogate(text.charAt(at))) {
                    at++; // a pair: one code point
                } else {
                    loneSurrogate = true;
                }
            }
            if (c == '\\') {
                if (at >= length) {
                    return false;
                }
                char e = text.charAt(at++);
                if (e == 'u') {
                    int unit = hex4(at);
                    if (unit < 0) {
                        return false;
                    }
                    at += 4;
                    if (unit == 0) {
                        nul = true;
                    } else if (Character.isSurrogate((char) unit)) {
                        int next = at + 6 <= length && text.charAt(at) == '\\' && text.charAt(at + 1) == 'u'
                                ? hex4(at + 2) : -1;
                        if (Character.isHighSurrogate((char) unit) && next >= 0
                                && Character.isLowSurrogate((char) next)) {
                            at += 6; // an escaped pair
                        } else {
                            loneSurrogate = true;
                        }
                    }
                } else if ("\"\\/bfnrt".indexOf(e) < 0) {
                    return false;
                }
            }
        }
        return false;
    }

    private boolean number() {
        int start = at;
        if (peek() == '-') {
            at++;
        }
        if (peek() == '0') {
            at++;
        } else if (!digits()) {
            return false;
        }
        if (peek() == '.') {
            at++;
            if (!digits()) {
                return false;
            }
        }
        char e = peek();
        if (e == 'e' || e == 'E') {
            at++;
            char sign = peek();
            if (sign == '+' || sign == '-') {
                at++;
            }
            if (!digits()) {
                return false;
            }
        }
        return at - start <= MAX_NUMBER_LENGTH;
    }

    /** One or more digits. */
    private boolean digits() {
        int start = at;
        while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
            at++;
        }
        return at > start;
    }

    private boolean literal(String word) {
        if (text.startsWith(word, at)) {
            at += word.length();
            return true;
        }
        return false;
    }

    private char peek() {
        return at < text.length() ? text.charAt(at) : '\0';
    }

    private void skipSpace() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            at++;
        }
    }
}
