package dev.es.sample.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The demo's check counts what it should: a missing acknowledged write is lost, a repeated event id duplicated. */
@Timeout(10)
class HistoryCheckTest {

    @Test
    void historiesHoldingEveryAcknowledgedWriteOncePass() {
        HistoryCheck check = HistoryCheck.of(Map.of("a", List.of("1", "2"), "b", List.of("3")),
                Map.of("a", List.of("1", "2"), "b", List.of("3", "4"))::get);

        assertThat(check.passed()).isTrue();
        assertThat(check.ordersChecked()).isEqualTo(2);
        assertThat(check.eventsChecked()).isEqualTo(3);
        assertThat(check.eventsRead()).isEqualTo(4);
        assertThat(check.unexpected()).as("an event whose write was not acknowledged is not an error").isEqualTo(1);
    }

    @Test
    void aMissingWriteIsLostAndARepeatedIdIsDuplicated() {
        HistoryCheck check = HistoryCheck.of(Map.of("a", List.of("1", "2", "3"), "b", List.of("4")),
                Map.of("a", List.of("1", "3", "3", "3"), "b", List.of("4", "4"))::get);

        assertThat(check.passed()).isFalse();
        assertThat(check.lost()).isEqualTo(1);
        assertThat(check.duplicated()).isEqualTo(3);
        assertThat(check.firstProblems()).contains("order a: acknowledged event 2 is not in its history",
                "order a: event 3 is in its history 3 times", "order b: event 4 is in its history 2 times");
    }
}
