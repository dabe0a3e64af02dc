package dev.es.autoconfigure;

import dev.es.autoconfigure.EsProperties.LockProvider;
import dev.es.autoconfigure.EsProperties.StoreType;
import java.util.Objects;

/**
 * What a kind of store needs that the application lacks, contributed by that kind's auto-configuration in place of
 * its backend when it cannot make one (no {@code BlobServiceClient}, no {@code DataSource}). The resolver and the
 * locks auto-configuration quote it when a store or lock provider of that kind is configured anyway.
 *
 * @param storeType    the store type that cannot be served
 * @param lockProvider the lock provider that cannot be served
 * @param needs        what to add, as the end of a sentence whose subject is the store or provider
 *                     ("needs a DataSource: add ...")
 */
record MissingBackend(StoreType storeType, LockProvider lockProvider, String needs) {

    MissingBackend {
        Objects.requireNonNull(storeType, "storeType");
        Objects.requireNonNull(lockProvider, "lockProvider");
        Objects.requireNonNull(needs, "needs");
    }
}
