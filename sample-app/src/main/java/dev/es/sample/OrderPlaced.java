package dev.es.sample;

/** The first event of every order: who placed it. Stored as type {@code OrderPlaced}. */
public record OrderPlaced(String customer) {
}
