package dev.es.engine.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Payloads compared by meaning: what PostgreSQL's {@code jsonb} changes is no difference, anything else is. */
class CanonicalJsonTest {

    @Test
    void whatJsonbNormalisesIsTheSame() {
        String written = "{ \"b\" : [1e2, 1.50, -0, \"caf\\u00e9\"],\n \"a\": {\"y\": null, \"x\": true}, \"b2\": 1 }";
        String jsonb = "{\"a\": {\"x\": true, \"y\": null}, \"b\": [100, 1.50, 0, \"café\"], \"b2\": 1}";
        assertThat(CanonicalJson.canonical(written)).isEqualTo(CanonicalJson.canonical(jsonb))
                .isEqualTo("{\"a\":{\"x\":true,\"y\":null},\"b\":[1E+2,1.5,0,\"café\"],\"b2\":1}");
        assertThat(CanonicalJson.firstDifference(written, jsonb)).isNull();
    }

    @Test
    void duplicateKeysKeepTheLastValueAsJsonbDoes() {
        assertThat(CanonicalJson.canonical("{\"a\":1,\"a\":2}")).isEqualTo("{\"a\":2}");
        assertThat(CanonicalJson.firstDifference("{\"a\":1,\"a\":2}", "{\"a\": 2}")).isNull();
    }

    @Test
    void theFirstDifferenceIsNamedByItsPath() {
        assertThat(CanonicalJson.firstDifference("{\"a\":{\"b\":[1,2,{\"c\":\"x\"}]}}",
                "{\"a\":{\"b\":[1,2,{\"c\":\"y\"}]}}")).isEqualTo("$.a.b[2].c");
        assertThat(CanonicalJson.firstDifference("{\"a\":1,\"b\":2}", "{\"b\":2}")).isEqualTo("$.a");
        assertThat(CanonicalJson.firstDifference("{\"b\":2}", "{\"b\":2,\"c\":3}")).isEqualTo("$.c");
        assertThat(CanonicalJson.firstDifference("[1,2]", "[1,2,3]")).isEqualTo("$[2]");
        assertThat(CanonicalJson.firstDifference("{\"a\":\"1\"}", "{\"a\":1}")).isEqualTo("$.a");
        assertThat(CanonicalJson.firstDifference("{\"a\":0.1}", "{\"a\":0.10000000000000000001}")).isEqualTo("$.a");
        assertThat(CanonicalJson.firstDifference("1", "2")).isEqualTo("$");
    }

    @Test
    void numbersAreExactAndStringsEscapedCanonically() {
        assertThat(CanonicalJson.canonical("[0.10000000000000000001, 12345678901234567890123, \"a\\\"\\n\\u0001\"]"))
                .isEqualTo("[0.10000000000000000001,12345678901234567890123,\"a\\\"\\u000a\\u0001\"]");
        assertThat(CanonicalJson.canonical("[1.0, 10, 1e1, 100e-1]")).isEqualTo("[1,1E+1,1E+1,1E+1]");
    }

    @Test
    void aDigestCoversEveryFieldAndTheOrder() {
        EventDigest a = new EventDigest();
        a.add("e1", "T", 1, "{\"x\": 1}");
        a.add("e2", "T", 1, "{}");
        EventDigest same = new EventDigest();
        same.add("e1", "T", 1, "{ \"x\" : 1 }");
        same.add("e2", "T", 1, "{ }");
        assertThat(same.value()).isEqualTo(a.value());
        assertThat(same.count()).isEqualTo(2);

        EventDigest swapped = new EventDigest();
        swapped.add("e2", "T", 1, "{}");
        swapped.add("e1", "T", 1, "{\"x\": 1}");
        assertThat(swapped.value()).isNotEqualTo(a.value());
        EventDigest shifted = new EventDigest(); // field boundaries are part of the hash
        shifted.add("e1T", "", 1, "{\"x\": 1}");
        shifted.add("e2", "T", 1, "{}");
        assertThat(shifted.value()).isNotEqualTo(a.value());
        EventDigest schema = new EventDigest();
        schema.add("e1", "T", 2, "{\"x\": 1}");
        schema.add("e2", "T", 1, "{}");
        assertThat(schema.value()).isNotEqualTo(a.value());
        String before = a.value();
        assertThat(a.value()).as("reading the value does not end the digest").isEqualTo(before);
    }

    @Test
    void checksNeedDistinctNames() {
        VerificationOptions options = new VerificationOptions().check("a", (e, t) -> null);
        assertThatThrownBy(() -> options.check("a", (e, t) -> null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> options.check(" ", (e, t) -> null)).isInstanceOf(IllegalArgumentException.class);
        options.check((e, t) -> null);
        assertThat(options.snapshot().checks()).extracting(VerificationSpec.Check::name).containsExactly("a",
                "check-2");
        assertThat(options.snapshot().level()).isEqualTo(VerificationLevel.HASH);
    }
}
