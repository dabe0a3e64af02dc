package dev.es.engine.aggregate;

import java.util.ArrayList;
import java.util.List;

/** A small aggregate for tests: an order with notes. */
public class Order extends Aggregate {

    public record OrderPlaced(String customer) {
    }

    public record NoteAdded(String text) {
    }

    private String customer;
    private final List<String> notes = new ArrayList<>();

    public Order() {
        on(OrderPlaced.class, e -> customer = e.customer());
        on(NoteAdded.class, e -> notes.add(e.text()));
    }

    public void place(String customerName) {
        if (customer != null) {
            throw new IllegalStateException("already placed");
        }
        raise(new OrderPlaced(customerName));
    }

    public void addNote(String text) {
        raise(new NoteAdded(text));
    }

    public String customer() {
        return customer;
    }

    public List<String> notes() {
        return List.copyOf(notes);
    }
}
