package dev.es.sample;

/** A command the {@link Order} refuses because its input is wrong; the API answers it with 400. */
public class InvalidOrderException extends RuntimeException {

    public InvalidOrderException(String message) {
        super(message);
    }
}
