package dev.es.sample.demo;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The demo's check: reads every order's history back and compares it with the writes that were acknowledged.
 * A write is lost when its event id is not in its order's history; an event is duplicated when its id appears more
 * than once in one history (each extra occurrence counts one).
 *
 * @param ordersChecked   orders whose history was read
 * @param eventsChecked   acknowledged writes looked up in the histories
 * @param eventsRead      events the histories hold, in total
 * @param lost            acknowledged writes missing from their order's history
 * @param duplicated      extra occurrences of an event id within one history
 * @param unexpected      events in the histories that no acknowledged write accounts for (writes whose answer was
 *                        lost, for example); not an error, reported for the record
 * @param firstProblems   the first few problems found, for the log
 */
public record HistoryCheck(long ordersChecked, long eventsChecked, long eventsRead, long lost, long duplicated,
                           long unexpected, List<String> firstProblems) {

    private static final int MAX_PROBLEMS = 10;

    public HistoryCheck {
        firstProblems = List.copyOf(firstProblems);
    }

    /** Whether nothing was lost or duplicated. */
    public boolean passed() {
        return lost == 0 && duplicated == 0;
    }

    /**
     * Checks {@code acknowledged} (order id to the event ids written to it and acknowledged) against the histories
     * {@code history} reads (order id to the event ids of its history, in order, across its streams).
     */
    public static HistoryCheck of(Map<String, ? extends Iterable<String>> acknowledged,
                                  Function<String, List<String>> history) {
        long events = 0;
        long read = 0;
        long lost = 0;
        long duplicated = 0;
        long unexpected = 0;
        List<String> problems = new java.util.ArrayList<>();
        for (Map.Entry<String, ? extends Iterable<String>> order : acknowledged.entrySet()) {
            List<String> ids = history.apply(order.getKey());
            read += ids.size();
            Map<String, Integer> occurrences = new HashMap<>();
            for (String id : ids) {
                occurrences.merge(id, 1, Integer::sum);
            }
            for (Map.Entry<String, Integer> occurrence : occurrences.entrySet()) {
                if (occurrence.getValue() > 1) {
                    duplicated += occurrence.getValue() - 1;
                    note(problems, "order " + order.getKey() + ": event " + occurrence.getKey() + " is in its history "
                            + occurrence.getValue() + " times");
                }
            }
            Set<String> expected = new HashSet<>();
            for (String id : order.getValue()) {
                events++;
                expected.add(id);
                if (!occurrences.containsKey(id)) {
                    lost++;
                    note(problems, "order " + order.getKey() + ": acknowledged event " + id + " is not in its history");
                }
            }
            unexpected += occurrences.keySet().stream().filter(id -> !expected.contains(id)).count();
        }
        return new HistoryCheck(acknowledged.size(), events, read, lost, duplicated, unexpected, problems);
    }

    private static void note(List<String> problems, String problem) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(problem);
        }
    }
}
