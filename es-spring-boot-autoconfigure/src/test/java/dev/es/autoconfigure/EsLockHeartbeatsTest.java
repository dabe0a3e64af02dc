package dev.es.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.lock.DistributedLock;
import dev.es.engine.lock.DistributedLockProvider;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The lock provider renews its leases on the one heartbeat scheduler es makes as a bean, closed with the context. */
class EsLockHeartbeatsTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EsStoresAutoConfiguration.class, EsLocksAutoConfiguration.class))
            .withPropertyValues("es.locks.lease-duration=300ms", "es.locks.heartbeat-interval=30ms");

    @Test
    void theLockProviderRenewsLeasesOnEsHeartbeatThread() {
        AtomicReference<ScheduledExecutorService> scheduler = new AtomicReference<>();
        runner.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(EsLockHeartbeats.class)
                    .doesNotHaveBean(ScheduledExecutorService.class);
            ScheduledThreadPoolExecutor heartbeats =
                    (ScheduledThreadPoolExecutor) context.getBean(EsLockHeartbeats.class).scheduler();
            scheduler.set(heartbeats);
            Thread thread = heartbeats.submit(Thread::currentThread).get();
            assertThat(thread.getName()).isEqualTo(EsLockHeartbeats.THREAD_NAME);
            assertThat(thread.isDaemon()).isTrue();

            DistributedLockProvider locks = context.getBean(DistributedLockProvider.class);
            try (DistributedLock lock = locks.acquire("renewed", Duration.ofSeconds(1))) {
                assertThat(heartbeats.getQueue()).as("the lock's renewal is scheduled on es's heartbeat thread")
                        .hasSize(1);
                Thread.sleep(900); // three lease durations: only renewals keep it
                assertThat(lock.isValid()).isTrue();
                assertThat(heartbeats.getPoolSize()).as("one thread for all renewals").isEqualTo(1);
            }
            assertThat(heartbeats.getQueue()).as("released: no renewal left").isEmpty();
            try (DistributedLock first = locks.acquire("a", Duration.ofSeconds(1));
                 DistributedLock second = locks.acquire("b", Duration.ofSeconds(1))) {
                assertThat(heartbeats.getQueue()).hasSize(2);
                assertThat(heartbeats.getPoolSize()).isEqualTo(1);
            }
        });
        assertThat(scheduler.get().isShutdown()).as("shut down when the context closed").isTrue();
    }
}
