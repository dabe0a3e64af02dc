package dev.es.sample;

import dev.es.engine.aggregate.Aggregate;
import java.util.ArrayList;
import java.util.List;

/** An order: placed by a customer, then annotated with notes. Its state is rebuilt from its events. */
public class Order extends Aggregate {

    /** The object name orders are stored under; their first stream is {@code order-<id>}. */
    public static final String OBJECT_NAME = "Order";

    /** Longest note accepted. */
    public static final int MAX_NOTE_LENGTH = 1000;

    private String customer;
    private final List<String> notes = new ArrayList<>();

    public Order() {
        on(OrderPlaced.class, placed -> customer = placed.customer());
        on(NoteAdded.class, added -> notes.add(added.text()));
    }

    /** Places this new order for {@code customerName}. */
    public void place(String customerName) {
        if (customer != null) {
            throw new InvalidOrderException("Order " + id() + " is already placed");
        }
        raise(new OrderPlaced(requireCustomer(customerName)));
    }

    /** The customer name, stripped; refuses a blank one. */
    public static String requireCustomer(String customerName) {
        if (customerName == null || customerName.isBlank()) {
            throw new InvalidOrderException("customer must not be blank");
        }
        return customerName.strip();
    }

    /** Whether this order has been placed; an order with a document but no events is not. */
    public boolean isPlaced() {
        return customer != null;
    }

    /** Adds a note to this placed order. */
    public void addNote(String text) {
        if (customer == null) {
            throw new InvalidOrderException("Order " + id() + " is not placed yet");
        }
        if (text == null || text.isBlank()) {
            throw new InvalidOrderException("text of a note must not be blank");
        }
        if (text.length() > MAX_NOTE_LENGTH) {
            throw new InvalidOrderException("text of a note is " + text.length() + " characters long, at most "
                    + MAX_NOTE_LENGTH + " are allowed");
        }
        raise(new NoteAdded(text));
    }

    public String customer() {
        return customer;
    }

    public List<String> notes() {
        return List.copyOf(notes);
    }
}
