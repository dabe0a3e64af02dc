package dev.es.engine.reliability;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bounded randomized suite of the normal build: 300 seeded scenarios ({@link Scenario}) on the memory store, each
 * checked by the history checker. {@code -Dreliability.seed=N} runs one seed again. The long run is
 * {@link ReliabilityTest} ({@code -Preliability}).
 */
class RandomizedMigrationTest {

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void threeHundredSeedsOnTheMemoryStore() {
        Seeds.run("memory", 1, Integer.getInteger("reliability.memorySeeds", 300), Seeds::memory);
    }
}
