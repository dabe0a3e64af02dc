package dev.es.engine.backup.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.backup.AbstractBackupStorageContractTest;
import dev.es.engine.backup.PartOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBackupStorageTest extends AbstractBackupStorageContractTest<FileBackupStorage> {

    @TempDir
    Path directory;

    @Override
    protected FileBackupStorage createStorage() {
        return new FileBackupStorage(directory.resolve("backups"));
    }

    @Override
    protected FileBackupStorage sameStorageElsewhere(FileBackupStorage first) {
        return new FileBackupStorage(first.root());
    }

    @Test
    void theRootIsCreatedOnlyWhenTheFirstBackupIsWritten() throws Exception {
        assertThat(storage.root()).doesNotExist();
        assertThat(storage.isReachable()).isTrue();
        write("b1", "manifest.json", new byte[] {1});
        assertThat(storage.root().resolve("b1").resolve("manifest.json")).exists();
    }

    @Test
    void aDiscardedPartLeavesNoTemporaryFile() throws Exception {
        try (PartOutput out = storage.create("b1", "stream-0")) {
            out.write(1);
        }
        try (Stream<Path> files = Files.list(storage.root().resolve("b1"))) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void anUnwritableRootIsNotReachable() throws Exception {
        Path file = Files.writeString(directory.resolve("a-file"), "x");
        assertThat(new FileBackupStorage(file.resolve("backups")).isReachable()).isFalse();
    }
}
