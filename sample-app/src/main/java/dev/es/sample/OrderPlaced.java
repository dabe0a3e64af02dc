package dev.es.sample;

/**
 * The first event of every order: who placed it and in which currency. Stored as type {@code OrderPlaced}, schema
 * version 2; version 1 had only {@code customer} and is raised to this one by {@link OrderUpcasting} (on read, or
 * while a migration copies it).
 *
 * @param customer who placed the order
 * @param currency the order's ISO 4217 currency code, {@code EUR} for orders placed before version 2
 */
public record OrderPlaced(String customer, String currency) {

    /** The schema version this class is written with. */
    public static final int SCHEMA_VERSION = 2;
}
