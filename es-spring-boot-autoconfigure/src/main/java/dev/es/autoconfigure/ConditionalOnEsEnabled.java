package dev.es.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Conditional;

/**
 * Matches unless {@code es.enabled} is {@code false}. A value that is neither {@code true} nor {@code false} (say
 * {@code yes}) stops start-up naming the property, instead of quietly leaving es out.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Documented
@Conditional(OnEsEnabledCondition.class)
@interface ConditionalOnEsEnabled {
}
