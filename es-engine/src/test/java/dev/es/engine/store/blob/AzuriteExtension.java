package dev.es.engine.store.blob;

import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a fresh Azurite blob service (from npm, in-memory persistence) for one test class: started before the class,
 * its process tree destroyed after it. Register it as a static field:
 * <pre>{@code @RegisterExtension static final AzuriteExtension AZURITE = new AzuriteExtension();}</pre>
 * Azurite is looked up in the directory named by the system property {@code azurite.home} (the build installs it
 * there), else in {@code .tools/azurite-3.35.0} above the working directory. When it is missing the tests fail
 * with a message saying how to install it: they are never skipped.
 */
public final class AzuriteExtension implements BeforeAllCallback, AfterAllCallback {

    /** Azurite's well-known development account key, as its documentation gives it. */
    public static final String ACCOUNT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static final String VERSION = "3.35.0";

    private Process process;
    private Thread shutdownHook;
    private int port;
    private BlobServiceClient client;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Path main = findAzurite();
        port = freePort();
        Path log = Paths.get("target", "azurite-" + port + ".log");
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(List.of("node", main.toString(), "--blobHost", "127.0.0.1",
                "--blobPort", String.valueOf(port), "--inMemoryPersistence", "--skipApiVersionCheck", "--loose",
                "--disableTelemetry"));
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start Azurite with 'node': is Node.js (20+) installed and on the"
                    + " PATH? " + installHint(), e);
        }
        Process started = process;
        shutdownHook = new Thread(() -> {
            started.descendants().forEach(ProcessHandle::destroyForcibly);
            started.destroyForcibly();
        }, "azurite-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook); // when the JVM ends before afterAll
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!answers(port)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Azurite exited with code " + process.exitValue() + " before it"
                        + " listened on port " + port + "; see " + log.toAbsolutePath());
            }
            if (System.nanoTime() > deadline) {
                stop();
                throw new IllegalStateException("Azurite did not listen on port " + port + " within 60 s; see "
                        + log.toAbsolutePath());
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    /** The connection string of the development account on this Azurite. */
    public String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + ACCOUNT_KEY
                + ";BlobEndpoint=http://127.0.0.1:" + port + "/devstoreaccount1;";
    }

    /** The port Azurite's blob service listens on. */
    public int port() {
        return port;
    }

    /** A client of this Azurite, shared by the test class. */
    public synchronized BlobServiceClient client() {
        if (client == null) {
            client = newClient();
        }
        return client;
    }

    /** A new client with its own HTTP client and connection pool, as a second process would have. */
    public BlobServiceClient newClient() {
        return new BlobServiceClientBuilder().connectionString(connectionString())
                .httpClient(new NettyAsyncHttpClientBuilder().build()).buildClient();
    }

    /** A new, empty container with a unique name. */
    public BlobContainerClient newContainer() {
        return client().createBlobContainer(newContainerName());
    }

    /** A unique container name not yet used. */
    public static String newContainerName() {
        return "t" + UUID.randomUUID().toString().replace("-", "");
    }

    private void stop() {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down already
            }
            shutdownHook = null;
        }
    }

    private static Path findAzurite() {
        String home = System.getProperty("azurite.home");
        Path candidate = null;
        if (home != null && !home.isBlank()) {
            candidate = Paths.get(home);
        } else {
            for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
                Path tools = dir.resolve(".tools").resolve("azurite-" + VERSION);
                if (Files.isDirectory(tools)) {
                    candidate = tools;
                    break;
                }
            }
        }
        Path main = candidate == null ? null
                : candidate.resolve("node_modules/azurite/dist/src/blob/main.js".replace('/', File.separatorChar));
        if (main == null || !Files.isRegularFile(main)) {
            throw new IllegalStateException("Azurite " + VERSION + " is not installed"
                    + (candidate == null ? "" : " in " + candidate) + ". " + installHint());
        }
        return main;
    }

    private static String installHint() {
        return "The Maven build installs it (mvn test from the repository root runs 'npm install --prefix"
                + " .tools/azurite-" + VERSION + " azurite@" + VERSION + "'); by hand: npm install --no-audit --no-fund"
                + " --prefix <repo>/.tools/azurite-" + VERSION + " azurite@" + VERSION
                + ", with Node.js 20 or newer on the PATH.";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
