package dev.es.autoconfigure;

import dev.es.autoconfigure.EsProperties.StoreType;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One configured store as the backends see it ({@code es.stores.<name>.*}), copied out of the {@link EsProperties}
 * binding so that the backends do not depend on it.
 *
 * @param name          the store's name, the key under {@code es.stores}
 * @param type          its kind
 * @param container     its blob container (type blob), {@code null} when not set
 * @param autoProvision whether a missing blob container is created (type blob)
 * @param tablePrefix   the prefix of its tables (type jdbc; also read for the locks store of jdbc locks)
 */
record StoreSettings(String name, StoreType type, @Nullable String container, boolean autoProvision,
                     String tablePrefix) {

    StoreSettings {
        Objects.requireNonNull(name, "name");
    }

    static StoreSettings of(String name, EsProperties.Store store) {
        return new StoreSettings(name, store.getType(), store.getContainer(), store.isAutoProvision(),
                store.getTablePrefix());
    }

    /** The full name of one of this store's properties, for start-up errors: {@code es.stores.<name>.<key>}. */
    String property(String key) {
        return "es.stores." + name + "." + key;
    }
}
