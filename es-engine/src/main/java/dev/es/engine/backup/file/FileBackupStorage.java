package dev.es.engine.backup.file;

import dev.es.engine.backup.BackupStorage;
import dev.es.engine.backup.PartOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The {@code file} backup storage, the embedded default: one directory per backup under a root directory, one file
 * per part. A part is written to a hidden temporary file and linked under its name on commit, so a reader never sees
 * half a part and an existing part is never replaced. The root is created when the first backup is written.
 */
public final class FileBackupStorage implements BackupStorage {

    /** The name this storage answers to. */
    public static final String NAME = "file";
    private static final String TEMPORARY_PREFIX = ".";

    private final String name;
    private final Path root;

    /** A storage named {@value #NAME} under {@code root}. */
    public FileBackupStorage(Path root) {
        this(NAME, root);
    }

    public FileBackupStorage(String name, Path root) {
        this.name = name;
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public String name() {
        return name;
    }

    /** The directory that holds the backups. */
    public Path root() {
        return root;
    }

    @Override
    public PartOutput create(String backupId, String part) throws IOException {
        Path directory = root.resolve(backupId);
        Files.createDirectories(directory);
        Path target = directory.resolve(part);
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "backup part exists");
        }
        Path temporary = directory.resolve(TEMPORARY_PREFIX + part + "." + UUID.randomUUID() + ".tmp");
        FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new FilePartOutput(channel, temporary, target);
    }

    @Override
    public Optional<InputStream> open(String backupId, String part) throws IOException {
        try {
            return Optional.of(Files.newInputStream(root.resolve(backupId).resolve(part)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public Set<String> parts(String backupId) throws IOException {
        Path directory = root.resolve(backupId);
        if (!Files.isDirectory(directory)) {
            return Set.of();
        }
        Set<String> parts = new TreeSet<>();
        try (Stream<Path> files = Files.list(directory)) {
            files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(TEMPORARY_PREFIX)).forEach(parts::add);
        } catch (NoSuchFileException e) {
            return Set.of();
        }
        return parts;
    }

    @Override
    public Stream<String> backupIds() throws IOException {
        if (!Files.isDirectory(root)) {
            return Stream.empty();
        }
        Stream<Path> directories = Files.list(root);
        return directories.filter(Files::isDirectory)
                .map(p -> p.getFileName().toString())
                .filter(n -> !n.startsWith(TEMPORARY_PREFIX))
                .sorted()
                .filter(this::hasCommittedPart)
                .onClose(directories::close);
    }

    private boolean hasCommittedPart(String backupId) {
        try {
            return !parts(backupId).isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public boolean delete(String backupId) throws IOException {
        Path directory = root.resolve(backupId);
        if (!Files.isDirectory(directory)) {
            return false;
        }
        boolean deleted = false;
        for (int attempt = 0; attempt < 3; attempt++) {
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                    deleted |= Files.deleteIfExists(path);
                }
                return deleted;
            } catch (DirectoryNotEmptyException | NoSuchFileException e) {
                // a part committed (or a temporary file removed) while walking: walk again
            }
        }
        return deleted;
    }

    @Override
    public boolean isReachable() {
        try {
            Path existing = root;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            return existing != null && Files.isDirectory(existing) && Files.isWritable(existing);
        } catch (SecurityException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "FileBackupStorage[" + name + " at " + root + "]";
    }

    /** Writes a temporary file and links it under the part's name on commit. */
    private static final class FilePartOutput extends PartOutput {

        private final FileChannel channel;
        private final OutputStream out;
        private final Path temporary;
        private final Path target;
        private boolean done;

        FilePartOutput(FileChannel channel, Path temporary, Path target) {
            this.channel = channel;
            this.out = Channels.newOutputStream(channel);
            this.temporary = temporary;
            this.target = target;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void commit() throws IOException {
            if (done) {
                throw new IOException("Backup part " + target + " is already committed or discarded");
            }
            done = true;
            try {
                channel.force(true);
                channel.close();
                try {
                    // a hard link fails when the name exists, so a committed part is never replaced
                    Files.createLink(target, temporary);
                } catch (UnsupportedOperationException e) {
                    Files.move(temporary, target);
                }
            } finally {
                channel.close();
                Files.deleteIfExists(temporary);
            }
        }

        @Override
        public void close() throws IOException {
            if (!done) {
                done = true;
                try {
                    channel.close();
                } finally {
                    Files.deleteIfExists(temporary);
                }
            }
        }
    }
}
