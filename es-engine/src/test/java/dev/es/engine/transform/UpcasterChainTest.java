package dev.es.engine.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.engine.ErrorCategory;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpcasterChainTest {

    private static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");

    private static StoredEvent stored(String type, int schemaVersion, String payload) {
        return new StoredEvent("e-1", type, schemaVersion, 7, payload, Map.of("k", "v"), AT);
    }

    private static EventUpcaster step(List<String> trace, String type, int from) {
        return EventUpcaster.of(type, from, e -> {
            trace.add(type + " v" + from);
            return new EventData(null, type, from + 1, "{\"v\":" + (from + 1) + "}", e.metadata());
        });
    }

    @Test
    void aChainAppliesInOrderUntilNoUpcasterMatchesKeepingIdVersionAndTime() {
        List<String> trace = new ArrayList<>();
        UpcasterChain chain = UpcasterChain.of(step(trace, "A", 2), step(trace, "A", 1), step(trace, "B", 1));
        StoredEvent out = chain.apply(stored("A", 1, "{}"));
        assertThat(trace).containsExactly("A v1", "A v2");
        assertThat(out).isEqualTo(new StoredEvent("e-1", "A", 3, 7, "{\"v\":3}", Map.of("k", "v"), AT));
        StoredEvent newest = stored("A", 3, "{}");
        assertThat(chain.apply(newest)).isSameAs(newest);
        assertThat(UpcasterChain.none().apply(newest)).isSameAs(newest);
    }

    @Test
    void theFirstRegisteredUpcasterWinsWhenTwoMatch() {
        UpcasterChain chain = UpcasterChain.of(
                EventUpcaster.of("A", 1, e -> new EventData(null, "A", 2, "{\"by\":\"first\"}", null)),
                EventUpcaster.of("A", 1, e -> new EventData(null, "A", 2, "{\"by\":\"second\"}", null)));
        assertThat(chain.apply(stored("A", 1, "{}")).payload()).isEqualTo("{\"by\":\"first\"}");
    }

    @Test
    void anUpcasterMayRenameTheType() {
        UpcasterChain chain = UpcasterChain.of(
                EventUpcaster.of("Old", 1, e -> new EventData(null, "New", 2, e.payload(), null)),
                EventUpcaster.of("New", 2, e -> new EventData(null, "New", 3, e.payload(), null)));
        StoredEvent out = chain.apply(stored("Old", 1, "{}"));
        assertThat(out.type()).isEqualTo("New");
        assertThat(out.schemaVersion()).isEqualTo(3);
    }

    @Test
    void anUpcasterThatDoesNotRaiseTheSchemaVersionIsRefusedOnRead() {
        UpcasterChain cycle = UpcasterChain.of(
                EventUpcaster.of("A", 1, e -> new EventData(null, "B", 1, e.payload(), null)),
                EventUpcaster.of("B", 1, e -> new EventData(null, "A", 1, e.payload(), null)));
        assertThatThrownBy(() -> cycle.apply(stored("A", 1, "{}"))).isInstanceOf(UpcastingException.class)
                .hasMessageContaining("must raise the schema version")
                .hasMessageContaining("e-1");
        UpcasterChain failing = UpcasterChain.of(EventUpcaster.of("A", 1, e -> {
            throw new IllegalStateException("boom");
        }));
        assertThatThrownBy(() -> failing.apply(stored("A", 1, "{}"))).isInstanceOf(UpcastingException.class)
                .hasMessageContaining("boom").hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void aChainThatNeverEndsIsCutOff() {
        UpcasterChain endless = UpcasterChain.of(new EventUpcaster() {
            @Override
            public boolean canUpcast(String type, int schemaVersion) {
                return true;
            }

            @Override
            public EventData upcast(StoredEvent event) {
                return new EventData(null, event.type(), event.schemaVersion() + 1, event.payload(), null);
            }
        });
        assertThatThrownBy(() -> endless.apply(stored("A", 1, "{}"))).isInstanceOf(UpcastingException.class)
                .hasMessageContaining("more than " + UpcasterChain.MAX_STEPS);
    }

    @Test
    void oneToOneTransformersAreAcceptedAsLazy() {
        EventTransformer pipeline = TransformationPipeline.builder()
                .upcast("A", 1, e -> new EventData(null, "A", 2, "{}", null))
                .add(FunctionTransformer.oneToOne("A", 2, e -> new EventData(null, "A", 3, "{}", null)))
                .build();
        assertThat(pipeline.isOneToOne()).isTrue();
        UpcasterChain chain = UpcasterChain.ofTransformers(List.of(pipeline));
        assertThat(chain.apply(stored("A", 1, "{}")).schemaVersion()).isEqualTo(3);
        assertThat(EventTransformer.identity().isOneToOne()).isTrue();
        assertThat(FunctionTransformer.of("A", e -> e.toEventData()).isOneToOne()).isTrue();
    }

    @Test
    void aTransformerThatCanSplitOrDropIsRefusedAsLazyNamingIt() {
        FunctionTransformer splitter = FunctionTransformer.many("OrderPlaced", e -> List.of(e.toEventData(),
                e.toEventData()));
        assertThatThrownBy(() -> EventUpcaster.lazy(splitter))
                .isInstanceOf(NotOneToOneTransformerException.class)
                .hasMessageContaining("FunctionTransformer[OrderPlaced, many]")
                .hasMessageContaining("not one-to-one")
                .satisfies(e -> assertThat(((NotOneToOneTransformerException) e).category())
                        .isEqualTo(ErrorCategory.USAGE));
        EventTransformer dropping = TransformationPipeline.builder()
                .upcast("A", 1, e -> new EventData(null, "A", 2, "{}", null)).drop("B").build();
        assertThatThrownBy(() -> UpcasterChain.ofTransformers(List.of(dropping)))
                .isInstanceOf(NotOneToOneTransformerException.class).hasMessageContaining("B, many");
        EventTransformer custom = new EventTransformer() {
            @Override
            public boolean canTransform(String type, int schemaVersion) {
                return true;
            }

            @Override
            public List<EventData> transform(StoredEvent event) {
                return List.of();
            }

            @Override
            public String toString() {
                return "MyCustomTransformer";
            }
        };
        assertThatThrownBy(() -> EventUpcaster.lazy(custom)).isInstanceOf(NotOneToOneTransformerException.class)
                .hasMessageContaining("MyCustomTransformer");
    }

    @Test
    void aTransformerDeclaredOneToOneThatDropsFailsTheRead() {
        EventTransformer liar = new EventTransformer() {
            @Override
            public boolean canTransform(String type, int schemaVersion) {
                return schemaVersion == 1;
            }

            @Override
            public List<EventData> transform(StoredEvent event) {
                return List.of();
            }

            @Override
            public boolean isOneToOne() {
                return true;
            }
        };
        UpcasterChain chain = UpcasterChain.of(EventUpcaster.lazy(liar));
        assertThatThrownBy(() -> chain.apply(stored("A", 1, "{}"))).isInstanceOf(UpcastingException.class)
                .hasMessageContaining("answered 0 events");
    }

    @Test
    void theChainAsATransformerBakesTheUpcastIn() {
        UpcasterChain chain = UpcasterChain.of(step(new ArrayList<>(), "A", 1), step(new ArrayList<>(), "A", 2));
        EventTransformer baked = chain.asTransformer();
        assertThat(baked.isOneToOne()).isTrue();
        assertThat(baked.canTransform("A", 1)).isTrue();
        assertThat(baked.canTransform("A", 3)).isFalse();
        List<EventData> out = baked.transform(stored("A", 1, "{}"));
        assertThat(out).singleElement().satisfies(e -> {
            assertThat(e.eventId()).isEqualTo("e-1");
            assertThat(e.schemaVersion()).isEqualTo(3);
        });
    }
}
