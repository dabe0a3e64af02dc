package dev.es.engine.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** Migrations run on the given executor, a bounded number at once, the rest in order, with their id in the MDC. */
class MigrationExecutorTest {

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void atMostTheBoundRunAtOnceAndTheOthersRunInOrderWithTheirIdInTheMdc() throws Exception {
        MigrationExecutor executor = new MigrationExecutor(threads, false, 2);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runningNow = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        List<String> started = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(6);
        for (int i = 0; i < 6; i++) {
            String id = "m" + i;
            executor.submit(id, () -> {
                started.add(id + "=" + MDC.get(MigrationExecutor.MDC_KEY));
                mostAtOnce.accumulateAndGet(runningNow.incrementAndGet(), Math::max);
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                runningNow.decrementAndGet();
                done.countDown();
            }, why -> { });
        }
        Awaitility.await("two started, four waiting").atMost(Duration.ofSeconds(10))
                .until(() -> started.size() == 2 && executor.waiting() == 4);
        Awaitility.await("no third one starts").during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(2))
                .until(() -> started.size() == 2);

        release.countDown();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(mostAtOnce.get()).isEqualTo(2);
        assertThat(started).containsExactlyInAnyOrder("m0=m0", "m1=m1", "m2=m2", "m3=m3", "m4=m4", "m5=m5");
        assertThat(started.subList(0, 2)).containsExactlyInAnyOrder("m0=m0", "m1=m1");
        assertThat(executor.waiting()).isZero();
    }

    @Test
    void waitingMigrationsStartInTheOrderTheyWereSubmitted() throws Exception {
        MigrationExecutor executor = new MigrationExecutor(threads, false, 1);
        List<String> started = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(5);
        for (int i = 0; i < 5; i++) {
            String id = "m" + i;
            executor.submit(id, () -> {
                started.add(id);
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                done.countDown();
            }, why -> { });
        }
        release.countDown();

        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(started).containsExactly("m0", "m1", "m2", "m3", "m4");
    }

    @Test
    void closingRefusesTheWaitingAndLeavesAGivenExecutorRunning() throws Exception {
        MigrationExecutor executor = new MigrationExecutor(threads, false, 1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> refused = Collections.synchronizedList(new ArrayList<>());
        executor.submit("running", () -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, refused::add);
        executor.submit("waiting", () -> refused.add("waiting ran"), why -> refused.add("waiting: " + why));

        executor.close();
        executor.submit("late", () -> refused.add("late ran"), why -> refused.add("late: " + why));
        release.countDown();

        assertThat(refused).hasSize(2);
        assertThat(refused.get(0)).startsWith("waiting: could not be started");
        assertThat(refused.get(1)).startsWith("late: could not be started");
        assertThat(threads.isShutdown()).isFalse();
    }

    @Test
    void anExecutorThatRejectsRefusesTheMigrationAndFreesItsPlace() {
        MigrationExecutor executor = new MigrationExecutor(task -> {
            throw new java.util.concurrent.RejectedExecutionException("full");
        }, false, 1);
        List<String> refused = new ArrayList<>();

        executor.submit("a", () -> { }, why -> refused.add("a: " + why));
        executor.submit("b", () -> { }, why -> refused.add("b: " + why));

        assertThat(refused).containsExactly("a: could not be started: java.util.concurrent.RejectedExecutionException:"
                + " full", "b: could not be started: java.util.concurrent.RejectedExecutionException: full");
    }
}
