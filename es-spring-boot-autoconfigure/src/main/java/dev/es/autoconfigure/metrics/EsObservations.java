package dev.es.autoconfigure.metrics;

import dev.es.engine.migration.MigrationListener;
import dev.es.engine.migration.MigrationResult;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link Observation} named {@code es.migration} per migration run, on the application's
 * {@link ObservationRegistry}: started when the migration has its lock, stopped with its status (and error) when it
 * ends. Tracing and the observation meter handlers pick it up.
 */
public final class EsObservations implements MigrationListener {

    private final ObservationRegistry registry;
    private final Map<String, Observation> running = new ConcurrentHashMap<>();

    public EsObservations(ObservationRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void started(String migrationId, String objectName, String objectId) {
        Observation observation = Observation.createNotStarted("es.migration", registry)
                .contextualName("migrate " + objectName)
                .lowCardinalityKeyValue("object", objectName)
                .highCardinalityKeyValue("object.id", objectId)
                .highCardinalityKeyValue("migration.id", migrationId)
                .start();
        running.put(migrationId, observation);
    }

    @Override
    public void finished(MigrationResult result) {
        Observation observation = running.remove(result.migrationId());
        if (observation == null) {
            return;
        }
        observation.lowCardinalityKeyValue("status", result.status().name());
        if (result.error() != null) {
            observation.error(result.error());
        }
        observation.stop();
    }
}
