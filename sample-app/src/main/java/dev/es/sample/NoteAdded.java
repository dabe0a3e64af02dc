package dev.es.sample;

/** A free-text note added to an order. Stored as type {@code NoteAdded}. */
public record NoteAdded(String text) {
}
