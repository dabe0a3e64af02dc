package dev.es.engine.migration;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.es.engine.event.EventData;
import dev.es.engine.lock.memory.InMemoryLockProvider;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.memory.InMemoryDocumentStore;
import dev.es.engine.store.memory.InMemoryEventStore;
import dev.es.engine.store.memory.InMemoryTagStore;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import dev.es.engine.transform.FunctionTransformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Security (issue 15): no payload in logs at INFO or above, nor in what the routing entry keeps for the actuator.
 * Every event of es's loggers is captured (a Logback {@link ListAppender} on the root logger) while migrations fail
 * in the ways that carry an event along (a transformer that throws, a transformer that makes a payload that is not
 * JSON) and while one succeeds; payloads carry a marker that must appear in no message, argument or exception
 * message of the chain, nor in the result's or the routing entry's error and audit trail.
 */
@Timeout(60)
class NoPayloadInLogsTest {

    private static final String SECRET = "card-4111-1111-1111-1111";

    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private EventStreams streams;
    private InMemoryMigrationRoutingTable routing;
    private DefaultEventStreamMigrationService migrations;

    @BeforeEach
    void setUp() {
        captured.start();
        root.addAppender(captured);
        InMemoryEventStore main = new InMemoryEventStore("main");
        InMemoryEventStore other = new InMemoryEventStore("other");
        streams = new EventStreams(EventStoreRegistry.of(main, other), new InMemoryDocumentStore(),
                new InMemoryTagStore(), EventStreamSettings.defaults(), "main");
        routing = new InMemoryMigrationRoutingTable();
        migrations = new DefaultEventStreamMigrationService(streams, new InMemoryLockProvider(), routing);
    }

    @AfterEach
    void tearDown() {
        root.detachAppender(captured);
        migrations.close();
    }

    private void order(String id) {
        streams.open("Order", id).append(ExpectedVersion.noStream(), List.of(
                EventData.of("OrderPlaced", "{\"customer\":\"ada\",\"card\":\"" + SECRET + "\"}"),
                EventData.of("NoteAdded", "{\"text\":\"" + SECRET + "\"}")));
    }

    @Test
    void failingAndSucceedingMigrationsLogNoPayload() {
        order("1");
        MigrationResult thrown = migrations.forDocument("Order", "1").withTargetStore("other")
                .withTransformer(FunctionTransformer.of("NoteAdded", e -> {
                    throw new IllegalStateException("cannot upcast event " + e.eventId());
                })).execute();
        assertThat(thrown.status()).isEqualTo(MigrationStatus.FAILED);

        order("2");
        MigrationResult notJson = migrations.forDocument("Order", "2").withTargetStore("other")
                .withTransformer(FunctionTransformer.of("OrderPlaced",
                        e -> new EventData(null, "OrderPlaced", 2, e.payload() + " trailing", Map.of())))
                .execute();
        assertThat(notJson.status()).isEqualTo(MigrationStatus.FAILED);

        order("3");
        MigrationResult fine = migrations.forDocument("Order", "3").withTargetStore("other").execute();
        assertThat(fine.isSuccess()).isTrue();

        List<ILoggingEvent> atInfoOrAbove = captured.list.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO)).toList();
        assertThat(atInfoOrAbove).as("the failures were logged, so the check below reads something")
                .anySatisfy(e -> assertThat(e.getFormattedMessage()).contains(thrown.migrationId()))
                .anySatisfy(e -> assertThat(e.getFormattedMessage()).contains(notJson.migrationId()));
        for (ILoggingEvent event : atInfoOrAbove) {
            assertThat(textOf(event)).as("%s %s", event.getLevel(), event.getLoggerName()).doesNotContain(SECRET);
        }
        for (MigrationResult result : List.of(thrown, notJson)) {
            assertThat(result.error()).isNotNull();
            assertThat(chain(result.error())).doesNotContain(SECRET);
            MigrationEntry entry = routing.get(result.migrationId()).orElseThrow();
            assertThat(entry.error()).isNotBlank().doesNotContain(SECRET);
            assertThat(entry.audit()).allSatisfy(a -> assertThat(String.valueOf(a.detail())).doesNotContain(SECRET));
        }
    }

    /** The message, its arguments and every exception message of the event's throwable chain. */
    private static String textOf(ILoggingEvent event) {
        StringBuilder text = new StringBuilder(event.getFormattedMessage());
        if (event.getArgumentArray() != null) {
            for (Object argument : event.getArgumentArray()) {
                text.append('\n').append(argument);
            }
        }
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
            text.append('\n').append(t.getClassName()).append(": ").append(t.getMessage());
            for (IThrowableProxy suppressed : t.getSuppressed()) {
                text.append('\n').append(suppressed.getMessage());
            }
        }
        return text.toString();
    }

    private static String chain(Throwable failure) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.add(t.toString());
        }
        return String.join("\n", messages);
    }
}
