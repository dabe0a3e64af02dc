package dev.es.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.stream.EventStream;
import dev.es.engine.stream.EventStreams;
import dev.es.engine.transform.EventUpcaster;
import dev.es.engine.transform.FunctionTransformer;
import dev.es.engine.transform.NotOneToOneTransformerException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/** Lazy upcasters in Spring: {@link EventUpcaster} beans are registered on {@link EventStreams} in order. */
class EsUpcastersAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EsStoresAutoConfiguration.class,
                    EsStreamsAutoConfiguration.class));

    @Configuration(proxyBeanMethods = false)
    static class Upcasters {

        // declared out of order: the @Order decides which of two matching upcasters runs
        @Bean
        @Order(2)
        EventUpcaster secondForV1() {
            return EventUpcaster.of("OrderPlaced", 1, e -> new EventData(null, "OrderPlaced", 2,
                    "{\"by\":\"second\"}", null));
        }

        @Bean
        @Order(1)
        EventUpcaster firstForV1() {
            return EventUpcaster.of("OrderPlaced", 1, e -> new EventData(null, "OrderPlaced", 2,
                    "{\"by\":\"first\"}", null));
        }

        @Bean
        @Order(3)
        EventUpcaster v2ToV3() {
            return EventUpcaster.lazy(FunctionTransformer.upcast("OrderPlaced", 2, e -> new EventData(null,
                    "OrderPlaced", 3, e.payload().replace("by", "upcastBy"), null)));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class SplittingTransformerAsLazy {

        @Bean
        EventUpcaster splittingOrderPlaced() {
            return EventUpcaster.lazy(FunctionTransformer.many("OrderPlaced", e -> List.of(e.toEventData(),
                    e.toEventData())));
        }
    }

    @Test
    void upcasterBeansArePickedUpInOrderAndAppliedOnRead() {
        runner.withUserConfiguration(Upcasters.class).run(context -> {
            assertThat(context).hasNotFailed();
            EventStreams streams = context.getBean(EventStreams.class);
            assertThat(streams.upcasters().upcasters()).containsExactly(context.getBean("firstForV1",
                    EventUpcaster.class), context.getBean("secondForV1", EventUpcaster.class),
                    context.getBean("v2ToV3", EventUpcaster.class));
            EventStream stream = streams.open("Order", "1");
            stream.append(ExpectedVersion.noStream(), List.of(new EventData(null, "OrderPlaced", 1, "{}", null)));
            try (Stream<StoredEvent> all = stream.readAll()) {
                StoredEvent read = all.toList().get(0);
                assertThat(read.schemaVersion()).isEqualTo(3);
                assertThat(read.payload()).isEqualTo("{\"upcastBy\":\"first\"}");
                assertThat(read.version()).isEqualTo(1);
            }
            assertThat(streams.stores().get(streams.defaultStore()).read("order-1", 1, 10).get(0).schemaVersion())
                    .isEqualTo(1);
        });
    }

    @Test
    void withoutUpcasterBeansNothingIsRegistered() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(EventStreams.class).upcasters().isEmpty()).isTrue();
        });
    }

    @Test
    void aTransformerThatIsNotOneToOneRegisteredAsLazyFailsStartUpNamingIt() {
        runner.withUserConfiguration(SplittingTransformerAsLazy.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasMessageContaining("splittingOrderPlaced")
                    .hasRootCauseInstanceOf(NotOneToOneTransformerException.class)
                    .rootCause().hasMessageContaining("FunctionTransformer[OrderPlaced, many]")
                    .hasMessageContaining("not one-to-one");
            var report = FailureReports.analyze(context.getStartupFailure());
            assertThat(report.getDescription()).contains("lazy upcaster").contains("FunctionTransformer[OrderPlaced, many]");
            assertThat(report.getAction()).contains("copy migration");
        });
    }
}
