package dev.es.autoconfigure;

import dev.es.autoconfigure.EsProperties.BackupProvider;
import dev.es.engine.backup.BackupRetention;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The backup settings in effect ({@code es.backup.*}), checked by {@link EsSettings#backup} and copied out of the
 * {@link EsProperties} binding so that the backup storage backends do not depend on it.
 *
 * @param provider      where backups are kept
 * @param location      the directory of the backups (provider file)
 * @param container     the blob container of the backups (provider blob), {@code null} for the file provider
 * @param autoProvision whether a missing backup container is created (provider blob)
 * @param retention     which backups {@code applyRetention()} deletes
 */
record BackupSettings(BackupProvider provider, String location, @Nullable String container, boolean autoProvision,
                      BackupRetention retention) {

    BackupSettings {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(retention, "retention");
    }
}
