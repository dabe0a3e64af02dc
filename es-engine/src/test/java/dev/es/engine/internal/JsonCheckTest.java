package dev.es.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;

/** The payload check against Jackson's own parser: the same answer on known cases and on random damage. */
class JsonCheckTest {

    private static final List<String> VALID = List.of("{}", "[]", "0", "-0", "1.5e10", "-2.25E-3", "true", "false",
            "null", "\"\"", "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\"", " {\"a\" : [1, 2, {\"b\": null}], \"c\": \"d\"} ",
            "[[[[[]]]]]", "{\"customer\":\"ada\",\"lines\":[{\"sku\":\"x-1\",\"qty\":2,\"price\":19.99}]}",
            "\"\u00e9\u4e2d\"", "\t\n\r[1]\n");
    private static final List<String> INVALID = List.of("", " ", "{", "}", "[1,]", "{\"a\":}", "{\"a\" 1}", "{a:1}",
            "'x'", "01", "1.", ".5", "-", "1e", "+1", "NaN", "tru", "nul", "\"abc", "\"\\x\"", "\"\\u12\"",
            "\"a\u0001b\"", "{} {}", "[1] x", "// c\n{}", "{\"a\":1,}", "[1 2]", "{\"a\":1 \"b\":2}");

    @Test
    void knownCasesAreAnsweredAsJacksonDoes() {
        for (String text : VALID) {
            assertThat(JsonCheck.isJson(text)).as("valid: %s", text).isTrue();
            assertThat(jackson(text)).as("jackson valid: %s", text).isTrue();
        }
        for (String text : INVALID) {
            assertThat(JsonCheck.isJson(text)).as("invalid: %s", text).isFalse();
            assertThat(jackson(text)).as("jackson invalid: %s", text).isFalse();
        }
    }

    @Test
    void surrogatesWithoutTheirPairAreToldApart() {
        for (String paired : List.of("\"\\ud83d\\ude00\"", "\"\ud83d\ude00\"", "[\"a\\uD83D\\uDE00b\"]", "\"\\u00e9\"")) {
            assertThat(JsonCheck.check(paired)).as("paired: %s", paired).isEqualTo(Json.Check.JSON);
        }
        for (String lone : List.of("\"\\ud800\"", "\"\\udc00\\ud800\"", "\"\\ud83d x\"", "\"\\ud83d\\u0041\"",
                "{\"a\":\"x\ud800\"}", "\"\ude00\ud83d\"", "[\"\ud83d\"]")) {
            assertThat(JsonCheck.check(lone)).as("lone: %s", lone).isEqualTo(Json.Check.LONE_SURROGATE);
            assertThat(jackson(lone)).as("Jackson reads it: %s", lone).isTrue();
        }
        assertThat(JsonCheck.check("\"\\ud83d\\uZZZZ\"")).isEqualTo(Json.Check.NOT_JSON);
    }

    @Test
    void theEscapeOfUPlus0000IsToldApartFromAnEscapedBackslash() {
        assertThat(JsonCheck.check("{\"a\":\"x\\u0000y\"}")).isEqualTo(Json.Check.NUL);
        assertThat(JsonCheck.check("[\"\\u0000\\ud800\"]")).isEqualTo(Json.Check.NUL);
        assertThat(JsonCheck.check("{\"a\":\"x\\\\u0000y\"}")).isEqualTo(Json.Check.JSON);
    }

    @Test
    void randomDamageToPayloadsIsJudgedAsJacksonJudgesIt() {
        Random random = new Random(20261124);
        String alphabet = "{}[]\":,.-+eE0123456789 \\truefalsnlx\u0001\u00e9";
        for (int round = 0; round < 50_000; round++) {
            StringBuilder text = new StringBuilder(VALID.get(random.nextInt(VALID.size())));
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits; e++) {
                int at = text.length() == 0 ? 0 : random.nextInt(text.length());
                switch (random.nextInt(3)) {
                    case 0 -> text.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> {
                        if (text.length() > 0) {
                            text.deleteCharAt(at);
                        }
                    }
                    default -> {
                        if (text.length() > 0) {
                            text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                        }
                    }
                }
            }
            String candidate = text.toString();
            boolean expected = !candidate.isBlank() && jackson(candidate);
            assertThat(Json.isJson(candidate)).as("%s", candidate).isEqualTo(expected);
        }
    }

    @Test
    void deepNestingAndLongNumbersAreBounded() {
        assertThat(JsonCheck.isJson("[".repeat(JsonCheck.MAX_DEPTH) + "]".repeat(JsonCheck.MAX_DEPTH))).isTrue();
        assertThat(JsonCheck.isJson("[".repeat(JsonCheck.MAX_DEPTH + 1) + "]".repeat(JsonCheck.MAX_DEPTH + 1)))
                .isFalse();
        assertThat(JsonCheck.isJson("1".repeat(JsonCheck.MAX_NUMBER_LENGTH + 1))).isFalse();
        assertThat(JsonCheck.isJson(null)).isFalse();
    }

    /** Jackson's answer: one complete value, nothing after it. */
    private static boolean jackson(String text) {
        try (JsonParser parser = Json.mapper().createParser(text)) {
            if (parser.nextToken() == null) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (JacksonException e) {
            return false;
        }
    }
}
