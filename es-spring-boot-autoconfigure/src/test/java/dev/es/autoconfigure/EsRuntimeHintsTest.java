package dev.es.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.autoconfigure.actuate.BackupSummary;
import dev.es.autoconfigure.actuate.BulkMigrationDescriptor;
import dev.es.autoconfigure.actuate.MigrationDescriptor;
import dev.es.autoconfigure.aot.EsEventHints;
import dev.es.autoconfigure.aot.RegisterEsEvents;
import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.document.TerminatedStream;
import dev.es.engine.migration.MigrationAuditRecord;
import dev.es.engine.migration.MigrationEntry;
import dev.es.engine.migration.RollbackSupport;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.javapoet.ClassName;

/**
 * The runtime hints es registers for native images: its own types bound by reflection, and the application's event
 * classes named with {@link RegisterEsEvents @RegisterEsEvents}, checked with {@link RuntimeHintsPredicates} on the
 * registrars and on an application context processed ahead of time as {@code spring-boot:process-aot} does.
 */
@Timeout(60)
class EsRuntimeHintsTest {

    private static final List<Class<? extends Record>> ENGINE_RECORDS = List.of(ObjectDocument.class,
            StreamPointer.class, TerminatedStream.class, MigrationEntry.class, MigrationAuditRecord.class,
            RollbackSupport.class);
    private static final List<Class<? extends Record>> ENDPOINT_RECORDS = List.of(MigrationDescriptor.class,
            BulkMigrationDescriptor.class, BackupSummary.class, BackupSummary.BackedUpStream.class);

    @Test
    void engineRecordsAndPropertiesAreRegisteredForBinding() {
        RuntimeHints hints = new RuntimeHints();
        new EsRuntimeHints().registerHints(hints, getClass().getClassLoader());
        ENGINE_RECORDS.forEach(type -> assertThat(boundRecord(type)).as(type.getName()).accepts(hints));
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(EsProperties.Store.class, "setType"))
                .accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(EsProperties.class, "getMigration"))
                .accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(EsProperties.Migration.class,
                "setMaxEventsPerSecond")).accepts(hints);
        assertThat(boundRecord(MigrationDescriptor.class)).as("endpoint types are the endpoint registrar's")
                .rejects(hints);
    }

    @Test
    void endpointAnswersAreRegisteredForBinding() {
        RuntimeHints hints = new RuntimeHints();
        new EsEndpointRuntimeHints().registerHints(hints, getClass().getClassLoader());
        ENDPOINT_RECORDS.forEach(type -> assertThat(boundRecord(type)).as(type.getName()).accepts(hints));
        assertThat(boundRecord(MigrationAuditRecord.class)).as("the audit trail a descriptor holds").accepts(hints);
    }

    @Test
    void eventHintsFollowSealedTypesToTheirRecords() {
        RuntimeHints hints = new RuntimeHints();
        assertThat(EsEventHints.registerEventClasses(hints, ParcelEvent.class))
                .containsExactly(ParcelEvent.class, ParcelSent.class, ParcelLost.class);
        assertThat(boundRecord(ParcelSent.class)).accepts(hints);
        assertThat(boundRecord(ParcelLost.class)).accepts(hints);
        assertThat(boundRecord(Address.class)).as("a component type").accepts(hints);
        assertThat(boundRecord(OrderPlaced.class)).rejects(hints);
    }

    @Test
    void aheadOfTimeProcessingRegistersEsTypesAndTheAnnotatedEventClasses() {
        RuntimeHints hints = processAheadOfTime(EventsApplication.class);
        ENGINE_RECORDS.forEach(type -> assertThat(boundRecord(type)).as(type.getName()).accepts(hints));
        ENDPOINT_RECORDS.forEach(type -> assertThat(boundRecord(type)).as(type.getName()).accepts(hints));
        assertThat(boundRecord(OrderPlaced.class)).accepts(hints);
        assertThat(boundRecord(ParcelSent.class)).as("permitted by the sealed ParcelEvent").accepts(hints);
        assertThat(boundRecord(ParcelLost.class)).as("permitted by the sealed ParcelEvent").accepts(hints);
        assertThat(boundRecord(NotAnEvent.class)).as("named nowhere").rejects(hints);
    }

    @Test
    void aheadOfTimeProcessingWithoutTheAnnotationRegistersNoEventClass() {
        RuntimeHints hints = processAheadOfTime(PlainApplication.class);
        assertThat(boundRecord(ObjectDocument.class)).accepts(hints);
        assertThat(boundRecord(OrderPlaced.class)).rejects(hints);
    }

    @Test
    void anAnnotationNamingNoClassFailsTheBuildNamingTheClass() {
        assertThatThrownBy(() -> processAheadOfTime(EmptyEventsApplication.class))
                .hasStackTraceContaining("@RegisterEsEvents on " + EmptyEventsApplication.class.getName()
                        + " names no event class");
    }

    /** What {@code spring-boot:process-aot} does to the context of {@code configuration}, without compiling. */
    private static RuntimeHints processAheadOfTime(Class<?> configuration) {
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        context.register(configuration);
        DefaultGenerationContext generation = new DefaultGenerationContext(
                new ClassNameGenerator(ClassName.get(configuration)), new InMemoryGeneratedFiles());
        try {
            new ApplicationContextAotGenerator().processAheadOfTime(context, generation);
        } finally {
            context.close();
        }
        return generation.getRuntimeHints();
    }

    /** A record Jackson can write and read by reflection: its canonical constructor and every accessor. */
    private static Predicate<RuntimeHints> boundRecord(Class<? extends Record> type) {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] parameterTypes = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        Predicate<RuntimeHints> predicate;
        try {
            predicate = RuntimeHintsPredicates.reflection()
                    .onConstructorInvocation(type.getDeclaredConstructor(parameterTypes));
        } catch (NoSuchMethodException e) {
            throw new AssertionError(type.getName() + " has no canonical constructor", e);
        }
        for (RecordComponent component : components) {
            predicate = predicate.and(RuntimeHintsPredicates.reflection().onMethodInvocation(component.getAccessor()));
        }
        return predicate;
    }

    record OrderPlaced(String customer) {
    }

    sealed interface ParcelEvent permits ParcelSent, ParcelLost {
    }

    record ParcelSent(String to, Address address) implements ParcelEvent {
    }

    record ParcelLost(String reason) implements ParcelEvent {
    }

    record Address(String street) {
    }

    record NotAnEvent(String value) {
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({EsStoresAutoConfiguration.class, EsStreamsAutoConfiguration.class,
            EsLocksAutoConfiguration.class, EsMigrationAutoConfiguration.class, EsActuatorAutoConfiguration.class})
    @RegisterEsEvents({OrderPlaced.class, ParcelEvent.class})
    static class EventsApplication {
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({EsStoresAutoConfiguration.class, EsStreamsAutoConfiguration.class})
    static class PlainApplication {
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(EsStoresAutoConfiguration.class)
    @RegisterEsEvents({})
    static class EmptyEventsApplication {
    }
}
