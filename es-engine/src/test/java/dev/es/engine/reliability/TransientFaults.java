package dev.es.engine.reliability;

import java.sql.SQLTransientConnectionException;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Transient failures at rates drawn from a seeded {@link Random} (0 to 6 % per call), before a call and after a
 * write: the dice of {@link ChaosRoutingTable} and {@link ChaosDocumentStore}. {@link #heal()} stops them.
 */
final class TransientFaults {

    /** A failure the engine classifies as transient (its cause is a lost connection). */
    static final class InjectedTransientFault extends RuntimeException {
        InjectedTransientFault(String what) {
            super("injected transient fault: " + what, new SQLTransientConnectionException("injected"));
        }
    }

    private final Random random;
    private volatile double before;
    private volatile double after;
    private final AtomicInteger injected = new AtomicInteger();

    TransientFaults(long seed) {
        this.random = new Random(seed);
        double[] levels = {0, 0.01, 0.03, 0.06};
        this.before = levels[random.nextInt(levels.length)];
        this.after = levels[random.nextInt(levels.length)];
    }

    void heal() {
        before = 0;
        after = 0;
    }

    int injected() {
        return injected.get();
    }

    /** Maybe fails before {@code what} is done (nothing happened). */
    void before(String what) {
        maybeFail(before, "before " + what);
    }

    /** Maybe fails after {@code what} took effect (the caller hears of a failure all the same). */
    void after(String what) {
        maybeFail(after, "after " + what);
    }

    /** Runs the write {@code call}, maybe failing before it ({@link #before}) and after it ({@link #after}). */
    <T> T around(String what, Supplier<T> call) {
        before(what);
        T done = call.get();
        after(what);
        return done;
    }

    private void maybeFail(double probability, String what) {
        if (probability <= 0) {
            return;
        }
        boolean fail;
        synchronized (random) {
            fail = random.nextDouble() < probability;
        }
        if (fail) {
            injected.incrementAndGet();
            throw new InjectedTransientFault(what);
        }
    }
}
