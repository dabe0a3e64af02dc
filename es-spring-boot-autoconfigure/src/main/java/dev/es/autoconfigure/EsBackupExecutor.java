package dev.es.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.beans.factory.annotation.Qualifier;

/**
 * Qualifies the {@link java.util.concurrent.Executor} es runs the workers of bulk backups on
 * ({@code BackupRestoreService.backupAll}: {@code maxConcurrency} workers per bulk backup, each backing up one object
 * after another). Without such a bean, es uses daemon threads of its own ({@code es-backup-N}), which end with their
 * bulk backup. es does not shut a given executor down.
 */
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Qualifier
public @interface EsBackupExecutor {
}
