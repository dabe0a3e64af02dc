package dev.es.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** {@link ConditionalOnEsEnabled}: {@code es.enabled} unset or true matches, false does not, anything else fails. */
class OnEsEnabledCondition extends SpringBootCondition {

    static final String PROPERTY = "es.enabled";

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        ConditionMessage.Builder message = ConditionMessage.forCondition(ConditionalOnEsEnabled.class);
        String value = context.getEnvironment().getProperty(PROPERTY);
        if (value == null) {
            return ConditionOutcome.match(message.because(PROPERTY + " is not set"));
        }
        if (value.trim().equalsIgnoreCase("true")) {
            return ConditionOutcome.match(message.because(PROPERTY + " is true"));
        }
        if (value.trim().equalsIgnoreCase("false")) {
            return ConditionOutcome.noMatch(message.because(PROPERTY + " is false"));
        }
        throw new InvalidConfigurationPropertyValueException(PROPERTY, value,
                "es.enabled must be true or false; leave it unset to use es");
    }
}
