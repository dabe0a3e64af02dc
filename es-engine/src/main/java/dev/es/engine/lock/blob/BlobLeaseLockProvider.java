package dev.es.engine.lock.blob;

import com.azure.storage.blob.BlobContainerClient;
import dev.es.engine.lock.LeaseLockProvider;
import dev.es.engine.lock.LockSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Distributed locks as Azure blob leases: a {@link LeaseLockProvider} over a {@link BlobLeaseStorage} (one small
 * blob per lock key, leased for {@link LockSettings#leaseDuration()}, 15 to 60 s, and renewed by the heartbeat).
 */
public final class BlobLeaseLockProvider extends LeaseLockProvider {

    /** The shortest lease the service grants. */
    public static final Duration MIN_LEASE = BlobLeaseStorage.MIN_LEASE;
    /** The longest finite lease the service grants. */
    public static final Duration MAX_LEASE = BlobLeaseStorage.MAX_LEASE;

    /** A provider with 60 s leases renewed every 10 s, its lock blobs under {@code locks/}. */
    public BlobLeaseLockProvider(BlobContainerClient container) {
        this(container, "locks", LockSettings.defaults(), Clock.systemUTC());
    }

    /**
     * @param settings lease duration (15 to 60 s, whole seconds) and heartbeat interval
     */
    public BlobLeaseLockProvider(BlobContainerClient container, String prefix, LockSettings settings, Clock clock) {
        super(new BlobLeaseStorage(container, prefix), settings, clock);
    }

    /**
     * Leases renewed on {@code heartbeats} (shared with other providers), which {@link #close()} leaves running.
     *
     * @param settings lease duration (15 to 60 s, whole seconds) and heartbeat interval
     */
    public BlobLeaseLockProvider(BlobContainerClient container, String prefix, LockSettings settings, Clock clock,
                                 ScheduledExecutorService heartbeats) {
        super(new BlobLeaseStorage(container, prefix), settings, clock, heartbeats);
    }

    /** The container the lock blobs are in. */
    public BlobContainerClient container() {
        return ((BlobLeaseStorage) storage()).container();
    }
}
