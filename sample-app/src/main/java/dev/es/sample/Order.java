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

    /** The currency of an order placed without one. */
    public static final String DEFAULT_CURRENCY = "EUR";

    private String customer;
    private String currency;
    private final List<String> notes = new ArrayList<>();

    public Order() {
        on(OrderPlaced.class, placed -> {
            customer = placed.customer();
            currency = placed.currency();
        });
        on(NoteAdded.class, added -> notes.add(added.text()));
    }

    /** Places this new order for {@code customerName}, in {@value #DEFAULT_CURRENCY}. */
    public void place(String customerName) {
        place(customerName, DEFAULT_CURRENCY);
    }

    /** Places this new order for {@code customerName} in {@code currencyCode} (three capital letters). */
    public void place(String customerName, String currencyCode) {
        if (customer != null) {
            throw new InvalidOrderException("Order " + id() + " is already placed");
        }
        raise(new OrderPlaced(requireCustomer(customerName), requireCurrency(currencyCode)));
    }

    /** The currency code; refuses one that is not three capital letters (ISO 4217). */
    public static String requireCurrency(String currencyCode) {
        if (currencyCode == null || !currencyCode.matches("[A-Z]{3}")) {
            throw new InvalidOrderException("currency must be an ISO 4217 code of three capital letters such as EUR,"
                    + " was " + (currencyCode == null ? "null" : "'" + currencyCode + "'"));
        }
        return currencyCode;
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

    /** The order's currency; {@value OrderUpcasting#V1_CURRENCY} for an order placed before it was recorded. */
    public String currency() {
        return currency;
    }

    public List<String> notes() {
        return List.copyOf(notes);
    }
}
