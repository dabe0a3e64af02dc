package dev.es.engine.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link BackupStorage} keeps. Extend it with {@link #createStorage()} answering a new, empty
 * storage for each test.
 */
public abstract class AbstractBackupStorageContractTest<S extends BackupStorage> {

    protected S storage;

    /** A new storage with nothing in it. */
    protected abstract S createStorage() throws Exception;

    /** A second storage over the same place as {@code first}, as another process would open it. */
    protected abstract S sameStorageElsewhere(S first) throws Exception;

    @BeforeEach
    void setUpStorage() throws Exception {
        storage = createStorage();
    }

    @Test
    void aCommittedPartReadsBackByteForByte() throws Exception {
        byte[] content = randomBytes(9 * 1024 * 1024 + 17); // more than a few blocks or buffers
        write("b1", "stream-0.jsonl.gz", content);
        assertThat(read("b1", "stream-0.jsonl.gz")).isEqualTo(content);
        assertThat(read(sameStorageElsewhere(storage), "b1", "stream-0.jsonl.gz")).isEqualTo(content);
    }

    @Test
    void emptyAndSmallPartsRoundTrip() throws Exception {
        write("b1", "empty", new byte[0]);
        write("b1", "one", new byte[] {42});
        assertThat(read("b1", "empty")).isEmpty();
        assertThat(read("b1", "one")).containsExactly(42);
        assertThat(storage.parts("b1")).containsExactlyInAnyOrder("empty", "one");
    }

    @Test
    void nothingIsVisibleBeforeTheCommit() throws Exception {
        try (PartOutput out = storage.create("b1", "manifest.json")) {
            out.write("half".getBytes(StandardCharsets.UTF_8));
            assertThat(storage.open("b1", "manifest.json")).isEmpty();
            assertThat(storage.parts("b1")).isEmpty();
            try (Stream<String> ids = storage.backupIds()) {
                assertThat(ids).isEmpty();
            }
        }
    }

    @Test
    void closingWithoutACommitDiscardsThePart() throws Exception {
        try (PartOutput out = storage.create("b1", "stream-0")) {
            out.write(randomBytes(100_000));
        }
        assertThat(storage.open("b1", "stream-0")).isEmpty();
        assertThat(storage.parts("b1")).isEmpty();
        write("b1", "stream-0", new byte[] {1, 2, 3});
        assertThat(read("b1", "stream-0")).containsExactly(1, 2, 3);
    }

    @Test
    void aCommittedPartIsNeverReplaced() throws Exception {
        write("b1", "manifest.json", "first".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> {
            try (PartOutput out = storage.create("b1", "manifest.json")) {
                out.write("second".getBytes(StandardCharsets.UTF_8));
                out.commit();
            }
        }).isInstanceOf(IOException.class);
        assertThat(new String(read("b1", "manifest.json"), StandardCharsets.UTF_8)).isEqualTo("first");
    }

    @Test
    void aMissingPartOrBackupIsEmpty() throws Exception {
        assertThat(storage.open("nobackup", "manifest.json")).isEmpty();
        assertThat(storage.parts("nobackup")).isEmpty();
        write("b1", "one", new byte[] {1});
        assertThat(storage.open("b1", "two")).isEmpty();
    }

    @Test
    void backupIdsAreListedInAscendingOrder() throws Exception {
        for (String id : List.of("20261124T000002000Z-b", "20261124T000001000Z-a", "20261124T000003000Z-c")) {
            write(id, "manifest.json", new byte[] {1});
        }
        try (PartOutput pending = storage.create("20261124T000004000Z-d", "manifest.json")) {
            pending.write(1);
            try (Stream<String> ids = storage.backupIds()) {
                assertThat(ids).containsExactly("20261124T000001000Z-a", "20261124T000002000Z-b",
                        "20261124T000003000Z-c");
            }
        }
        try (Stream<String> ids = sameStorageElsewhere(storage).backupIds()) {
            assertThat(ids).hasSize(3);
        }
    }

    @Test
    void deleteRemovesEveryPart() throws Exception {
        write("b1", "manifest.json", new byte[] {1});
        write("b1", "stream-0", randomBytes(5000));
        write("b2", "manifest.json", new byte[] {2});
        assertThat(storage.delete("b1")).isTrue();
        assertThat(storage.parts("b1")).isEmpty();
        assertThat(storage.open("b1", "stream-0")).isEmpty();
        assertThat(storage.delete("b1")).isFalse();
        assertThat(storage.delete("never")).isFalse();
        try (Stream<String> ids = storage.backupIds()) {
            assertThat(ids).containsExactly("b2");
        }
        assertThat(read("b2", "manifest.json")).containsExactly(2);
    }

    @Test
    void aPartCanBeReadWhileAnotherIsWritten() throws Exception {
        write("b1", "stream-0", new byte[] {7, 7});
        try (PartOutput out = storage.create("b1", "stream-1");
             InputStream in = storage.open("b1", "stream-0").orElseThrow()) {
            out.write(new byte[] {1});
            assertThat(in.readAllBytes()).containsExactly(7, 7);
            out.commit();
        }
        assertThat(storage.parts("b1")).containsExactlyInAnyOrder("stream-0", "stream-1");
    }

    @Test
    void isReachable() {
        assertThat(storage.isReachable()).isTrue();
        assertThat(storage.name()).isNotBlank();
    }

    protected void write(String backupId, String part, byte[] content) throws IOException {
        try (PartOutput out = storage.create(backupId, part)) {
            // in uneven slices, as an encoder writes
            int offset = 0;
            int slice = 1;
            while (offset < content.length) {
                int length = Math.min(slice, content.length - offset);
                out.write(content, offset, length);
                offset += length;
                slice = slice * 3 + 1;
            }
            out.commit();
        }
    }

    protected byte[] read(String backupId, String part) throws IOException {
        return read(storage, backupId, part);
    }

    private static byte[] read(BackupStorage storage, String backupId, String part) throws IOException {
        try (InputStream in = storage.open(backupId, part).orElseThrow()) {
            return in.readAllBytes();
        }
    }

    protected static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
