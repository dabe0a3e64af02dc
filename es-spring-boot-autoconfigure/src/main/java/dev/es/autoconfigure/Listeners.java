package dev.es.autoconfigure;

import dev.es.engine.backup.BackupDescriptor;
import dev.es.engine.backup.BackupListener;
import dev.es.engine.backup.RestoreResult;
import dev.es.engine.migration.MigrationListener;
import dev.es.engine.migration.MigrationResult;
import dev.es.engine.stream.EventStreamListener;
import java.time.Duration;
import java.util.List;

/** Fans engine events out to every listener bean (metrics and the application's own). */
final class Listeners {

    private Listeners() {
    }

    static EventStreamListener streams(List<EventStreamListener> all) {
        if (all.isEmpty()) {
            return EventStreamListener.NONE;
        }
        if (all.size() == 1) {
            return all.get(0);
        }
        return new EventStreamListener() {
            @Override
            public void appended(String store, int events, Duration took) {
                all.forEach(l -> l.appended(store, events, took));
            }

            @Override
            public void retriedOnContinuation(String objectName, String fromStream, String toStream) {
                all.forEach(l -> l.retriedOnContinuation(objectName, fromStream, toStream));
            }
        };
    }

    static MigrationListener migrations(List<MigrationListener> all) {
        if (all.isEmpty()) {
            return MigrationListener.NONE;
        }
        if (all.size() == 1) {
            return all.get(0);
        }
        return new MigrationListener() {
            @Override
            public void started(String migrationId, String objectName, String objectId) {
                all.forEach(l -> l.started(migrationId, objectName, objectId));
            }

            @Override
            public void eventsCopied(String objectName, int count) {
                all.forEach(l -> l.eventsCopied(objectName, count));
            }

            @Override
            public void catchUpIteration(String objectName) {
                all.forEach(l -> l.catchUpIteration(objectName));
            }

            @Override
            public void cutover(String objectName, Duration took) {
                all.forEach(l -> l.cutover(objectName, took));
            }

            @Override
            public void lockAcquired(String key, Duration waited) {
                all.forEach(l -> l.lockAcquired(key, waited));
            }

            @Override
            public void lockAcquireFailed(String key) {
                all.forEach(l -> l.lockAcquireFailed(key));
            }

            @Override
            public void finished(MigrationResult result) {
                all.forEach(l -> l.finished(result));
            }
        };
    }

    static BackupListener backups(List<BackupListener> all) {
        if (all.isEmpty()) {
            return BackupListener.NONE;
        }
        if (all.size() == 1) {
            return all.get(0);
        }
        return new BackupListener() {
            @Override
            public void backedUp(BackupDescriptor backup, Duration duration) {
                all.forEach(l -> l.backedUp(backup, duration));
            }

            @Override
            public void restored(RestoreResult result) {
                all.forEach(l -> l.restored(result));
            }

            @Override
            public void failed(String operation, Throwable error) {
                all.forEach(l -> l.failed(operation, error));
            }
        };
    }
}
