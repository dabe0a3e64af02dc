package dev.es.autoconfigure;

import dev.es.autoconfigure.EsProperties.BackupProvider;
import dev.es.engine.backup.BackupListener;
import dev.es.engine.backup.BackupRestoreService;
import dev.es.engine.backup.BackupStorage;
import dev.es.engine.backup.DefaultBackupRestoreService;
import dev.es.engine.document.DocumentStore;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.tag.TagStore;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The injectable {@link BackupRestoreService} over the application's event stores, documents and tags, writing to the
 * storage named by {@code es.backup.provider}: {@code file} (the directory {@code es.backup.location}) or {@code blob}
 * (the container {@code es.backup.container} of the application's {@code BlobServiceClient}, prepared as a blob
 * store's container is). Backups and restores are reported to every {@link BackupListener} bean (es's metrics among
 * them).
 * <p>
 * The workers of a bulk backup ({@code backupAll}, {@code maxConcurrency} of them per call) run as migrations do: on
 * the {@link EsBackupExecutor @EsBackupExecutor} {@link Executor} when the application defines one, else each on a
 * daemon thread of es's own ({@code es-backup-N}) that ends with its bulk backup. The number of threads is then
 * bounded by the {@code maxConcurrency} of the bulk backups running, and nothing is left to shut down when the
 * context closes.
 */
@AutoConfiguration(after = {EsStoresAutoConfiguration.class, EsBlobAutoConfiguration.class})
@ConditionalOnEsEnabled
public final class EsBackupAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    FileBackupBackend esFileBackupBackend() {
        return new FileBackupBackend();
    }

    @Bean
    @ConditionalOnMissingBean(BackupRestoreService.class)
    DefaultBackupRestoreService backupRestoreService(EventStoreRegistry stores, DocumentStore documents,
                                                     TagStore tags, EsProperties properties,
                                                     List<EsBackupStorageBackend> backends,
                                                     List<MissingBackend> missing,
                                                     ObjectProvider<BackupListener> listeners,
                                                     @EsBackupExecutor ObjectProvider<Executor> executor) {
        BackupSettings settings = EsSettings.backup(properties);
        BackupStorage storage = backend(settings.provider(), backends, missing).backupStorage(settings);
        Executor given = executor.getIfUnique();
        BackupListener listener = Listeners.backups(listeners.orderedStream().toList());
        return given == null
                ? new DefaultBackupRestoreService(stores, documents, tags, List.of(storage), settings.retention(),
                        listener, Clock.systemUTC())
                : new DefaultBackupRestoreService(stores, documents, tags, List.of(storage), settings.retention(),
                        given, listener, Clock.systemUTC());
    }

    /**
     * The backend of {@code provider}, or a start-up error naming {@code es.backup.provider} with the hint of the kind
     * that cannot serve it here (a backup provider shares its name with a store type: no {@code BlobServiceClient}).
     */
    private static EsBackupStorageBackend backend(BackupProvider provider, List<EsBackupStorageBackend> backends,
                                                  List<MissingBackend> missing) {
        Map<BackupProvider, EsBackupStorageBackend> byProvider = new EnumMap<>(BackupProvider.class);
        backends.forEach(backend -> byProvider.putIfAbsent(backend.backupProvider(), backend));
        EsBackupStorageBackend backend = byProvider.get(provider);
        if (backend == null) {
            String needs = missing.stream().filter(hint -> hint.storeType().name().equals(provider.name()))
                    .findFirst().map(hint -> " es.backup.provider=" + provider + " " + hint.needs()).orElse("");
            throw EsSettings.bad("es.backup.provider", "names '" + provider + "', which is not available (available: "
                    + byProvider.keySet() + ")", "Use one of " + byProvider.keySet() + "." + needs);
        }
        return backend;
    }
}
