package dev.es.engine.store.memory;

import dev.es.engine.backup.BackupDescriptor;
import dev.es.engine.backup.BackupRetention;
import dev.es.engine.backup.CorruptBackupException;
import dev.es.engine.backup.DefaultBackupRestoreService;
import dev.es.engine.backup.RestoreOptions;
import dev.es.engine.backup.file.FileBackupStorage;
import dev.es.engine.document.DocumentStore;
import dev.es.engine.store.AbstractBadInputTest;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.EventStoreRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input on the memory stores. Memory keeps objects, not bytes, so nothing of it can be found garbled but the
 * backups taken of it (files): each part of a backup garbled in turn is refused with {@link CorruptBackupException}
 * naming the backup.
 */
class InMemoryBadInputTest extends AbstractBadInputTest {

    @TempDir
    Path backups;

    @Override
    protected EventStore createEventStore() {
        return new InMemoryEventStore("main");
    }

    @Override
    protected DocumentStore createDocumentStore() {
        return new InMemoryDocumentStore();
    }

    @Override
    protected long storedItems() {
        long documents = 0;
        for (String name : this.documents.objectNames()) {
            documents += this.documents.objectIds(name).size();
        }
        return ((InMemoryEventStore) events).streamCount() + documents;
    }

    @Override
    protected List<Garbling> garblings() {
        return List.of(new Garbling("a backup's manifest", () -> garbledBackup("manifest")),
                new Garbling("a backup's stream part", () -> garbledBackup("stream")));
    }

    private Garbled garbledBackup(String partPrefix) {
        FileBackupStorage storage = new FileBackupStorage(backups);
        var service = new DefaultBackupRestoreService(EventStoreRegistry.of(events), documents,
                new InMemoryTagStore(), List.of(storage), BackupRetention.keepAll());
        BackupDescriptor backup = service.backup(OBJECT, seededId());
        try (Stream<Path> parts = Files.list(storage.root().resolve(backup.backupId()))) {
            for (Path part : parts.filter(p -> p.getFileName().toString().startsWith(partPrefix)).toList()) {
                Files.writeString(part, "garbage, not a backup part");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Garbled(() -> service.restore(backup.backupId(), RestoreOptions.inPlace().toStream("restored")),
                backup.backupId(), CorruptBackupException.class);
    }
}
