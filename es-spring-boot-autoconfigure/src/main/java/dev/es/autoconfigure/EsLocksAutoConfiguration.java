package dev.es.autoconfigure;

import dev.es.engine.lock.DistributedLockProvider;
import dev.es.autoconfigure.EsProperties.LockProvider;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@link DistributedLockProvider} named by {@code es.locks.provider}, renewing its leases on one daemon heartbeat
 * thread that es makes once ({@link EsLockHeartbeats}) and stops when the context closes.
 */
@AutoConfiguration(after = EsStoresAutoConfiguration.class)
@ConditionalOnEsEnabled
public final class EsLocksAutoConfiguration {

    /** One heartbeat thread for the lock provider's lease renewals, stopped when the context closes. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    EsLockHeartbeats esLockHeartbeats() {
        return new EsLockHeartbeats();
    }

    @Bean
    @ConditionalOnMissingBean
    DistributedLockProvider distributedLockProvider(EsProperties properties, EsStoreResolver resolver,
                                                    List<EsLockProviderBackend> backends,
                                                    List<MissingBackend> missing, EsLockHeartbeats heartbeats) {
        Map<LockProvider, EsLockProviderBackend> byType = new EnumMap<>(LockProvider.class);
        backends.forEach(backend -> byType.putIfAbsent(backend.provider(), backend));
        LockProvider provider = properties.getLocks().getProvider();
        EsLockProviderBackend backend = byType.get(provider);
        if (backend == null) {
            String needs = missing.stream().filter(hint -> hint.lockProvider() == provider).findFirst()
                    .map(hint -> " es.locks.provider=" + provider + " " + hint.needs()).orElse("");
            throw EsSettings.bad("es.locks.provider", "names '" + provider + "', which is not available (available: "
                    + byType.keySet() + ")", "Use one of " + byType.keySet() + "." + needs);
        }
        String name = resolver.stores().locksStore();
        StoreSettings store = resolver.stores().get(name);
        if (store == null) {
            throw EsSettings.bad("es.locks.store", "names '" + name + "', which is not configured under es.stores",
                    "Set es.locks.store to a configured store.");
        }
        return backend.lockProvider(store, EsSettings.locks(properties), heartbeats.scheduler());
    }
}
