package dev.es.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.beans.factory.annotation.Qualifier;

/**
 * Qualifies a {@link javax.sql.DataSource} for es alone, as Spring Batch's {@code @BatchDataSource} does: when one is
 * defined, es's jdbc stores and lock provider use it, and es's tables are created and checked in it, instead of the
 * application's primary {@code DataSource}. Appends then join only Spring transactions that run on this
 * {@code DataSource}. Without such a bean es uses the application's {@code DataSource}.
 */
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Qualifier
public @interface EsDataSource {
}
