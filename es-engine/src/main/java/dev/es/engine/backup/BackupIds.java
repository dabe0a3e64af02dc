package dev.es.engine.backup;

import dev.es.engine.InvalidIdentifierException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Backup ids and part names: what a {@link BackupStorage} can be handed, and new ids that sort by the time they were
 * made ({@code 20261124T061500123Z-3f9a1c2b7d4e}).
 */
public final class BackupIds {

    /** Letters, digits, {@code .}, {@code _} and {@code -}, starting with a letter or digit, at most 128. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private BackupIds() {
    }

    /** A new backup id made at {@code now}: later ids sort after earlier ones. */
    public static String next(Instant now) {
        byte[] random = new byte[6];
        RANDOM.nextBytes(random);
        return STAMP.format(now) + "-" + HexFormat.of().formatHex(random);
    }

    /** When a backup with an id made by {@link #next(Instant)} was made, or {@code null} for any other id. */
    public static @Nullable Instant createdAt(String backupId) {
        int dash = backupId.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            return STAMP.parse(backupId.substring(0, dash), Instant::from);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** {@code backupId} when a storage can hold it, else {@link InvalidIdentifierException}. */
    public static String requireBackupId(String backupId) {
        return require("backupId", backupId);
    }

    /** {@code part} when a storage can hold it, else {@link InvalidIdentifierException}. */
    public static String requirePart(String part) {
        return require("backup part", part);
    }

    private static String require(String kind, String value) {
        if (value == null || !NAME.matcher(value).matches() || value.contains("..")) {
            throw new InvalidIdentifierException(kind, value, "use 1 to 128 letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit");
        }
        return value;
    }
}
