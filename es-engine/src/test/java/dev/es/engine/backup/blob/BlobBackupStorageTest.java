package dev.es.engine.backup.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.Block;
import com.azure.storage.blob.models.BlockList;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.blob.specialized.BlockBlobClient;
import dev.es.engine.backup.AbstractBackupStorageContractTest;
import dev.es.engine.backup.PartOutput;
import dev.es.engine.store.blob.AzuriteExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BlobBackupStorageTest extends AbstractBackupStorageContractTest<BlobBackupStorage> {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    @Override
    protected BlobBackupStorage createStorage() {
        return new BlobBackupStorage(AZURITE.newContainer());
    }

    @Override
    protected BlobBackupStorage sameStorageElsewhere(BlobBackupStorage first) {
        // another client with its own HTTP connection pool, as a second process would have
        return new BlobBackupStorage(first.name(),
                AZURITE.newClient().getBlobContainerClient(first.container().getBlobContainerName()), first.prefix());
    }

    private BlockBlobClient blockBlob(BlobBackupStorage on, String backupId, String part) {
        return on.container().getBlobClient(on.prefix() + "/" + backupId + "/" + part).getBlockBlobClient();
    }

    @Test
    void aPartLargerThanOneBlockIsCommittedAsSeveralBlocksOfAtMostFourMebibytes() throws Exception {
        byte[] content = randomBytes(2 * BlobBackupStorage.BLOCK_SIZE + 17);
        write("b1", "stream-0", content);
        BlockList blocks = blockBlob(storage, "b1", "stream-0").listBlocks(BlockListType.ALL);
        assertThat(blocks.getCommittedBlocks()).extracting(Block::getSizeLong)
                .containsExactly((long) BlobBackupStorage.BLOCK_SIZE, (long) BlobBackupStorage.BLOCK_SIZE, 17L);
        assertThat(blocks.getUncommittedBlocks()).isEmpty();
        assertThat(read("b1", "stream-0")).isEqualTo(content);
    }

    @Test
    void blocksAreStagedAsTheBufferFillsNotHeldUntilTheCommit() throws Exception {
        BlobBackupStorage small = new BlobBackupStorage("blob", storage.container(), "backups", 1024, null);
        try (PartOutput out = small.create("b1", "stream-0")) {
            out.write(randomBytes(10_000));
            // nine full blocks have left memory already; the last 784 bytes wait for more or for the commit
            assertThat(blockBlob(small, "b1", "stream-0").listBlocks(BlockListType.UNCOMMITTED)
                    .getUncommittedBlocks()).hasSize(9).allSatisfy(b -> assertThat(b.getSizeLong()).isEqualTo(1024));
            // staged blocks are not a part
            assertThat(small.open("b1", "stream-0")).isEmpty();
            assertThat(small.parts("b1")).isEmpty();
            try (Stream<String> ids = small.backupIds()) {
                assertThat(ids).isEmpty();
            }
        }
        // the discarded writer's blocks are not in the part written next
        byte[] content = randomBytes(3000);
        try (PartOutput out = small.create("b1", "stream-0")) {
            out.write(content);
            out.commit();
        }
        assertThat(read("b1", "stream-0")).isEqualTo(content);
        BlockList blocks = blockBlob(small, "b1", "stream-0").listBlocks(BlockListType.ALL);
        assertThat(blocks.getCommittedBlocks()).extracting(Block::getSizeLong).containsExactly(1024L, 1024L, 952L);
        assertThat(blocks.getUncommittedBlocks()).isEmpty(); // the commit dropped the other writer's blocks
    }

    @Test
    void twoWritersOfOnePartNeverMixTheirBlocksAndTheSecondCommitIsRefused() throws Exception {
        BlobBackupStorage small = new BlobBackupStorage("blob", storage.container(), "backups", 100, null);
        byte[] first = randomBytes(1000);
        byte[] second = randomBytes(1001);
        try (PartOutput one = small.create("b1", "manifest.json");
             PartOutput two = sameStorageElsewhere(small).create("b1", "manifest.json")) {
            for (int i = 0; i < 10; i++) { // interleaved, each staging its own blocks
                one.write(first, i * 100, 100);
                two.write(second, i * 100, 100);
            }
            two.write(second, 1000, 1);
            one.commit();
            assertThatThrownBy(two::commit).isInstanceOf(FileAlreadyExistsException.class)
                    .hasMessageContaining("b1/manifest.json").hasMessageContaining("exists");
        }
        assertThat(read("b1", "manifest.json")).isEqualTo(first);
        assertThatThrownBy(() -> small.create("b1", "manifest.json")).isInstanceOf(FileAlreadyExistsException.class);
    }

    @Test
    void backupIdsAreReadAPageAtATime() throws Exception {
        AtomicInteger listings = new AtomicInteger();
        HttpPipelinePolicy countListings = (context, next) -> {
            String query = context.getHttpRequest().getUrl().getQuery();
            if (query != null && query.contains("comp=list")) {
                listings.incrementAndGet();
            }
            return next.process();
        };
        BlobContainerClient counted = new BlobServiceClientBuilder().connectionString(AZURITE.connectionString())
                .addPolicy(countListings).buildClient().getBlobContainerClient(
                        storage.container().getBlobContainerName());
        BlobBackupStorage paged = new BlobBackupStorage("blob", counted, "backups", BlobBackupStorage.BLOCK_SIZE, 2);
        for (String id : List.of("b5", "b3", "b1", "b4", "b2")) {
            write(id, "manifest.json", new byte[] {1});
        }
        try (Stream<String> ids = paged.backupIds()) {
            assertThat(ids.findFirst()).contains("b1");
        }
        assertThat(listings.get()).isEqualTo(1);
        listings.set(0);
        try (Stream<String> ids = paged.backupIds()) {
            assertThat(ids).containsExactly("b1", "b2", "b3", "b4", "b5");
        }
        assertThat(listings.get()).isEqualTo(3);
    }

    @Test
    void prefixesKeepStoragesApartAndStrayBlobsAreNoBackups() throws Exception {
        BlobBackupStorage other = new BlobBackupStorage("other", storage.container(), "backups-other");
        BlobBackupStorage nested = new BlobBackupStorage("nested", storage.container(), "backups/nested");
        write("b1", "manifest.json", new byte[] {1});
        try (PartOutput out = other.create("b2", "manifest.json")) {
            out.write(2);
            out.commit();
        }
        storage.container().getBlobClient("backups/stray").getBlockBlobClient()
                .upload(new java.io.ByteArrayInputStream(new byte[] {3}), 1);
        try (Stream<String> ids = storage.backupIds()) {
            assertThat(ids).containsExactly("b1");
        }
        try (Stream<String> ids = other.backupIds()) {
            assertThat(ids).containsExactly("b2");
        }
        try (Stream<String> ids = nested.backupIds()) {
            assertThat(ids).isEmpty();
        }
        assertThat(other.delete("b1")).isFalse();
        assertThat(storage.parts("b1")).containsExactly("manifest.json");
    }

    @Test
    void aMissingContainerIsNeverCreatedAndEveryCallSaysItIsMissing() {
        String containerName = AzuriteExtension.newContainerName();
        BlobContainerClient missing = AZURITE.client().getBlobContainerClient(containerName);
        BlobBackupStorage onNothing = new BlobBackupStorage(missing);
        assertThat(onNothing.isReachable()).isFalse();
        List<ThrowingCall> calls = List.of(
                () -> onNothing.create("b1", "manifest.json").close(),
                () -> onNothing.open("b1", "manifest.json"),
                () -> onNothing.parts("b1"),
                () -> onNothing.backupIds().close(),
                () -> onNothing.delete("b1"));
        for (ThrowingCall call : calls) {
            assertThatThrownBy(call::run).isInstanceOf(IOException.class)
                    .hasMessageContaining("Blob container '" + containerName + "'")
                    .hasMessageContaining("does not exist");
        }
        assertThat(missing.exists()).isFalse();
    }

    @Test
    void theContainerDisappearingWhileAPartIsWrittenFailsTheCommitClearly() throws Exception {
        BlobContainerClient doomed = AZURITE.newContainer();
        BlobBackupStorage onDoomed = new BlobBackupStorage(doomed);
        try (PartOutput out = onDoomed.create("b1", "manifest.json")) {
            out.write("x".getBytes(StandardCharsets.UTF_8));
            doomed.delete();
            assertThatThrownBy(out::commit).isInstanceOf(IOException.class)
                    .isNotInstanceOf(FileAlreadyExistsException.class)
                    .hasMessageContaining(doomed.getBlobContainerName()).hasMessageContaining("does not exist");
        }
        assertThat(onDoomed.isReachable()).isFalse();
    }

    @Test
    void badPrefixesAreRefused() {
        for (String bad : List.of("", " ", "/backups", "backups/", "a//b", "x".repeat(800))) {
            assertThatThrownBy(() -> new BlobBackupStorage("blob", storage.container(), bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix");
        }
        assertThat(new BlobBackupStorage("blob", storage.container(), "es/backups").prefix()).isEqualTo("es/backups");
        assertThat(storage.name()).isEqualTo(BlobBackupStorage.NAME);
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void run() throws Exception;
    }
}
