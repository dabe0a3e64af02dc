package dev.es.engine.event;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;

/**
 * The ids es gives events that come without one: time-ordered UUIDs (version 7 of RFC 9562), 48 bits of Unix
 * milliseconds followed by 74 random bits from a {@link SecureRandom}. They are as unlikely to repeat, across
 * processes started at the same instant too, as random (version 4) UUIDs, and they sort by time: the index that keeps
 * event ids unique per stream then grows at its right edge, where random ids would touch a random page of it on every
 * append (on PostgreSQL that halved the rate of 100-event appends).
 */
final class EventIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private EventIds() {
    }

    /** A new id, as its canonical 36-character text. */
    static String next() {
        return next(Clock.systemUTC().millis()).toString();
    }

    static UUID next(long epochMillis) {
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        long msb = (epochMillis & 0xFFFF_FFFF_FFFFL) << 16
                | 0x7000L // version 7
                | ((random[0] & 0x0FL) << 8) | (random[1] & 0xFFL);
        long lsb = 0;
        for (int i = 2; i < 10; i++) {
            lsb = lsb << 8 | (random[i] & 0xFFL);
        }
        lsb = 0x8000_0000_0000_0000L | (lsb & 0x3FFF_FFFF_FFFF_FFFFL); // the RFC 9562 variant, 62 random bits
        return new UUID(msb, lsb);
    }
}
