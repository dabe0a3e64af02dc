package dev.es.sample.demo;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The sample's demo mode ({@code es.demo.*}).
 *
 * @param enabled          Whether the demo runs once the application is ready.
 * @param orders           Number of orders the demo creates, then migrates.
 * @param notesPerOrder    Notes each order gets before the migration starts (its history is one event more).
 * @param writers          Number of threads that keep adding notes to random orders while the migration runs.
 * @param writerPause      Pause of each writer between two notes.
 * @param targetStore      Store the orders move to; by default the first configured store (by name) other than
 *                         the default store.
 * @param maxConcurrency   Number of orders migrating at once (the bulk run's maxConcurrency).
 * @param progressInterval How often the console shows the progress bar.
 */
@ConfigurationProperties("es.demo")
public record DemoProperties(@DefaultValue("false") boolean enabled,
                             @DefaultValue("1000") int orders,
                             @DefaultValue("4") int notesPerOrder,
                             @DefaultValue("4") int writers,
                             @DefaultValue("2ms") Duration writerPause,
                             @Nullable String targetStore,
                             @DefaultValue("8") int maxConcurrency,
                             @DefaultValue("1s") Duration progressInterval) {

    public DemoProperties {
        require(orders >= 1, "es.demo.orders", orders, "1 or more");
        require(notesPerOrder >= 0, "es.demo.notes-per-order", notesPerOrder, "0 or more");
        require(writers >= 0, "es.demo.writers", writers, "0 or more");
        require(writerPause != null && !writerPause.isNegative(), "es.demo.writer-pause", writerPause,
                "0 or more");
        require(maxConcurrency >= 1, "es.demo.max-concurrency", maxConcurrency, "1 or more");
        require(progressInterval != null && !progressInterval.isNegative() && !progressInterval.isZero(), "es.demo.progress-interval",
                progressInterval, "more than 0");
    }

    private static void require(boolean valid, String property, Object value, String allowed) {
        if (!valid) {
            throw new DemoConfigurationException(property, value, "it must be " + allowed);
        }
    }
}
