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

    private JsonCheck(String text) {
        this.text = text;
    }

    static boolean isJson(String text) {
        if (text == null) {
            return false;
        }
        JsonCheck check = new JsonCheck(text);
        check.skipSpace();
        if (!check.value(0)) {
            return false;
        }
        check.skipSpace();
        return check.at == text.length();
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
            if (c == '\\') {
                if (at >= length) {
                    return false;
                }
                char e = text.charAt(at++);
                if (e == 'u') {
                    if (at + 4 > length) {
                        return false;
                    }
                    for (int i = 0; i < 4; i++) {
                        if (Character.digit(text.charAt(at++), 16) < 0) {
                            return false;
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
