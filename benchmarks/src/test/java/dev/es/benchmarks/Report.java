package dev.es.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The markdown report of one run, written to {@code benchmarks/results/<date>.md}. */
final class Report {

    private final List<String> lines = new ArrayList<>();

    void line(String text) {
        lines.add(text);
    }

    void line(String format, Object... args) {
        lines.add(String.format(Locale.ROOT, format, args));
    }

    void blank() {
        lines.add("");
    }

    void row(Object... cells) {
        StringBuilder b = new StringBuilder("|");
        for (Object cell : cells) {
            b.append(' ').append(cell).append(" |");
        }
        lines.add(b.toString());
    }

    /**
     * A table header; a column whose name starts with {@code <} is left-aligned (the {@code <} dropped), the others
     * right-aligned.
     */
    void header(String... cells) {
        String[] names = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            names[i] = cells[i].startsWith("<") ? cells[i].substring(1) : cells[i];
        }
        row((Object[]) names);
        StringBuilder b = new StringBuilder("|");
        for (String cell : cells) {
            b.append(cell.startsWith("<") ? " --- |" : " ---: |");
        }
        lines.add(b.toString());
    }

    String text() {
        return String.join("\n", lines) + "\n";
    }

    void write(Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, text(), StandardCharsets.UTF_8);
    }

    static String rate(double perSecond) {
        return Double.isNaN(perSecond) ? "-" : String.format(Locale.ROOT, "%,.0f", perSecond);
    }

    static String ratio(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "-" : String.format(Locale.ROOT, "%.2f×", value);
    }

    static String ms(double millis) {
        if (Double.isNaN(millis)) {
            return "-";
        }
        if (millis < 1) {
            return String.format(Locale.ROOT, "%.3f", millis);
        }
        return millis < 100 ? String.format(Locale.ROOT, "%.2f", millis) : String.format(Locale.ROOT, "%,.0f", millis);
    }

    static String seconds(double s) {
        return String.format(Locale.ROOT, "%.2f s", s);
    }

    /** "met" or "MISSED" when {@code value} is at least {@code min}. */
    static String atLeast(double value, double min) {
        return String.format(Locale.ROOT, "≥ %.2f: %s", min, value >= min ? "met" : "MISSED");
    }
}
