package dev.es.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One figure measured side by side: subject A (es) and its reference B, one value each per round, the rounds run
 * interleaved (A, B, A, B, ...). Reports the medians and two paired ratios: the ratio of the medians and the median
 * of the per-round ratios A_i / B_i (rounds disturbed by something else on the machine move both sides of a pair).
 */
final class Paired {

    /** One side of one round; may throw, which ends the pair with that error. */
    @FunctionalInterface
    interface Side {
        double measure(boolean warmUp) throws Exception;
    }

    private final List<Double> a = new ArrayList<>();
    private final List<Double> b = new ArrayList<>();

    /** Runs {@code warmUps} unrecorded rounds, then {@code rounds} recorded ones, each A then B. */
    static Paired run(int warmUps, int rounds, Side subject, Side reference) throws Exception {
        Paired paired = new Paired();
        for (int i = 0; i < warmUps; i++) {
            subject.measure(true);
            reference.measure(true);
        }
        for (int i = 0; i < rounds; i++) {
            paired.add(subject.measure(false), reference.measure(false));
        }
        return paired;
    }

    void add(double subject, double reference) {
        a.add(subject);
        b.add(reference);
    }

    int rounds() {
        return a.size();
    }

    double medianA() {
        return median(a);
    }

    double medianB() {
        return median(b);
    }

    /** median(A) / median(B). */
    double ratioOfMedians() {
        return medianA() / medianB();
    }

    /** The median over rounds of A_i / B_i. */
    double medianOfRatios() {
        double[] ratios = new double[a.size()];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = a.get(i) / b.get(i);
        }
        return median(ratios);
    }

    static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
