package dev.es.engine.lock;

import java.time.Duration;
import java.util.Objects;

/**
 * Lease timing of lease-based lock providers.
 *
 * @param leaseDuration     how long a lease lives without renewal
 * @param heartbeatInterval how often a held lease is renewed; must be shorter than the lease
 */
public record LockSettings(Duration leaseDuration, Duration heartbeatInterval) {

    public LockSettings {
        Objects.requireNonNull(leaseDuration, "leaseDuration");
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        if (leaseDuration.isNegative() || leaseDuration.isZero()) {
            throw new IllegalArgumentException("leaseDuration must be positive, was " + leaseDuration);
        }
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()
                || heartbeatInterval.compareTo(leaseDuration) >= 0) {
            throw new IllegalArgumentException("heartbeatInterval must be positive and shorter than leaseDuration ("
                    + leaseDuration + "), was " + heartbeatInterval);
        }
    }

    /** 60 s leases renewed every 10 s. */
    public static LockSettings defaults() {
        return new LockSettings(Duration.ofSeconds(60), Duration.ofSeconds(10));
    }
}
