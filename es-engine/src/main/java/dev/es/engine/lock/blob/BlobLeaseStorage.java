package dev.es.engine.lock.blob;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.rest.Response;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.LeaseStateType;
import com.azure.storage.blob.options.BlobAcquireLeaseOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.specialized.BlobLeaseClient;
import com.azure.storage.blob.specialized.BlobLeaseClientBuilder;
import dev.es.engine.lock.LeaseStorage;
import dev.es.engine.lock.LockSettings;
import dev.es.engine.store.blob.BlobContainers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases as Azure blob leases, the storage of {@link BlobLeaseLockProvider}: one small blob per lock key, {@code <prefix>/<encoded key>}, leased for
 * {@link LockSettings#leaseDuration()} (15 to 60 s, the service's range; 60 s by default) and renewed by the
 * heartbeat. The lease id is the lock owner's id, so only the holder can renew or release it, and a lease that
 * expired and was taken over cannot be renewed: the old holder's lock turns invalid.
 * <p>
 * The fencing token lives in the blob's metadata ({@code fencingtoken}); every acquisition raises it to
 * {@code max(previous + 1, floor)} (see {@link LeaseStorage#tryLease}), written under the new lease (only the lease holder may
 * change the blob), so tokens grow across processes. A first acquisition creates the blob with its token,
 * {@code max(1, floor)}, and keeps it when the lease is granted on the ETag it created (nobody took the lock in
 * between): two requests, the create and the lease, and no write after the lease. A key this storage has not seen
 * is taken for a first one (the blob is created before the lease is asked for); a key it has seen is leased first.
 * <p>
 * Lock keys may hold any characters ({@code migration/Order/42}): letters, digits, '.', '_' and '-' are kept, every
 * other character is written as {@code ~XX} per UTF-8 byte; a key whose encoding would be too long for a blob name
 * is named by its SHA-256 instead.
 */
public final class BlobLeaseStorage implements LeaseStorage {

    /** The shortest lease the service grants. */
    public static final Duration MIN_LEASE = Duration.ofSeconds(15);
    /** The longest finite lease the service grants. */
    public static final Duration MAX_LEASE = Duration.ofSeconds(60);

    private static final Logger log = LoggerFactory.getLogger(BlobLeaseStorage.class);
    private static final String TOKEN = "fencingtoken";
    private static final int MAX_ENCODED_KEY = 900;
    private static final int KNOWN_KEYS = 10_000;

    private final BlobContainerClient container;
    private final String prefix;
    /** Keys whose lock blob this storage knows to exist, the last {@value #KNOWN_KEYS} used. */
    private final Set<String> existing = Collections.synchronizedSet(Collections.newSetFromMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > KNOWN_KEYS;
                }
            }));

    /** Lock blobs under {@code prefix} in {@code container}. */
    public BlobLeaseStorage(BlobContainerClient container, String prefix) {
        this.container = Objects.requireNonNull(container, "container");
        if (prefix == null || prefix.isBlank() || prefix.startsWith("/") || prefix.endsWith("/")
                || prefix.length() > 100) {
            throw new IllegalArgumentException("Lock blob prefix must be 1 to 100 characters without a leading or"
                    + " trailing '/', was '" + prefix + "'");
        }
        this.prefix = prefix;
    }

    /** Blob leases last 15 to 60 whole seconds. */
    @Override
    public void requireSupported(LockSettings settings) {
        Objects.requireNonNull(settings, "settings");
        Duration lease = settings.leaseDuration();
        if (lease.compareTo(MIN_LEASE) < 0 || lease.compareTo(MAX_LEASE) > 0 || lease.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("Blob leases last 15 to 60 whole seconds; lease duration " + lease
                    + " is not possible");
        }
    }

    @Override
    public OptionalLong tryLease(String key, String owner, Duration lease, long tokenFloor) {
        BlobClient blob = blob(key);
        long firstToken = Math.max(1, tokenFloor);
        Acquired acquired = acquire(key, blob, owner, lease, firstToken);
        if (acquired == null) {
            return OptionalLong.empty();
        }
        try {
            if (acquired.createdEtag() != null && acquired.createdEtag().equals(acquired.leasedEtag())) {
                // this call created the blob with the first token and nobody changed it before the lease (a lease
                // holder in between would have raised the token, changing the ETag): the token is this holder's
                return OptionalLong.of(firstToken);
            }
            BlobProperties props = blob.getProperties();
            Map<String, String> metadata = new HashMap<>(props.getMetadata());
            long token = Math.max(Long.parseLong(metadata.getOrDefault(TOKEN, "0")) + 1, tokenFloor);
            metadata.put(TOKEN, String.valueOf(token));
            if (!writeToken(blob, owner, metadata, props.getETag())) {
                throw new IllegalStateException("Lock blob " + blob.getBlobName() + " changed, or its lease was"
                        + " lost, while its fencing token was written");
            }
            return OptionalLong.of(token);
        } catch (RuntimeException e) {
            release(blob, owner);
            throw e;
        }
    }

    /** Writes the lock blob's metadata under the lease if it still has {@code etag}; false when it has another. */
    private static boolean writeToken(BlobClient blob, String owner, Map<String, String> metadata, String etag) {
        try {
            blob.setMetadataWithResponse(metadata, new BlobRequestConditions().setLeaseId(owner).setIfMatch(etag),
                    null, Context.NONE);
            return true;
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 412) {
                return false;
            }
            throw e;
        }
    }

    /**
     * A lease taken: {@code createdEtag} is the blob's ETag when this acquisition created it (else null),
     * {@code leasedEtag} the ETag the lease was granted on (null when the service did not say).
     */
    private record Acquired(@Nullable String createdEtag, @Nullable String leasedEtag) {
    }

    /**
     * Leases the lock blob. A key this storage has not seen yet is most likely a first lock (an object migrated for
     * the first time): its blob is created first, with the first token, then leased, two requests instead of a lease
     * refused with 404, the create and the lease again. A blob that exists after all (another process, or this one
     * before a restart, made it) costs one refused create more than leasing first.
     */
    private @Nullable Acquired acquire(String key, BlobClient blob, String owner, Duration lease, long firstToken) {
        String created = existing.contains(key) ? null : createLockBlob(blob, firstToken);
        existing.add(key);
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                Response<String> leased = leaseClient(blob, owner).acquireLeaseWithResponse(
                        new BlobAcquireLeaseOptions((int) lease.toSeconds()), null, Context.NONE);
                return new Acquired(created, leased.getHeaders().getValue(HttpHeaderName.ETAG));
            } catch (BlobStorageException e) {
                if (e.getStatusCode() == 409) {
                    return null; // leased by someone else
                }
                if (e.getStatusCode() != 404) {
                    throw e;
                }
            }
            created = createLockBlob(blob, firstToken); // deleted since: made again
        }
        return null;
    }

    /** Creates the lock blob with {@code token} unless it exists; its ETag when this call created it, else null. */
    private static @Nullable String createLockBlob(BlobClient blob, long token) {
        try {
            return blob.getBlockBlobClient().uploadWithResponse(
                    new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(new byte[0]))
                            .setMetadata(Map.of(TOKEN, String.valueOf(token)))
                            .setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*")),
                    null, Context.NONE).getValue().getETag();
        } catch (BlobStorageException e) {
            if (e.getStatusCode() != 409 && e.getStatusCode() != 412) {
                throw e;
            }
            return null;
        }
    }

    @Override
    public boolean renewLease(String key, String owner, long fencingToken, Duration lease) {
        try {
            leaseClient(blob(key), owner).renewLease();
            return true;
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 409 || e.getStatusCode() == 412 || e.getStatusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public void releaseLease(String key, String owner, long fencingToken) {
        release(blob(key), owner);
    }

    private void release(BlobClient blob, String owner) {
        try {
            leaseClient(blob, owner).releaseLease();
        } catch (BlobStorageException e) {
            if (e.getStatusCode() != 409 && e.getStatusCode() != 412 && e.getStatusCode() != 404) {
                throw e;
            }
            log.debug("Lease on {} was no longer held by {}", blob.getBlobName(), owner);
        }
    }

    @Override
    public boolean isLeased(String key) {
        try {
            return blob(key).getProperties().getLeaseState() == LeaseStateType.LEASED;
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    /** The container holding the lock blobs. */
    public BlobContainerClient container() {
        return container;
    }

    @Override
    public boolean isReachable() {
        return BlobContainers.isReachable(container, "Blob lock provider");
    }

    private static BlobLeaseClient leaseClient(BlobClient blob, String owner) {
        return new BlobLeaseClientBuilder().blobClient(blob).leaseId(owner).buildClient();
    }

    private BlobClient blob(String key) {
        return container.getBlobClient(prefix + "/" + encode(key));
    }

    /** The blob name part of a lock key. */
    static String encode(String key) {
        StringBuilder out = new StringBuilder(key.length() + 16);
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                    || c == '-') {
                out.append(c);
            } else {
                out.append('~').append(String.format("%02X", b & 0xff));
            }
        }
        if (out.length() > MAX_ENCODED_KEY || out.charAt(out.length() - 1) == '.') {
            try {
                byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
                return "~h" + HexFormat.of().formatHex(hash);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return out.toString();
    }
}
