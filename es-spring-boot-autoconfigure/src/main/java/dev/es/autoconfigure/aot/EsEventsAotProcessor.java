package dev.es.autoconfigure.aot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.util.ClassUtils;

/**
 * At build time ({@code process-aot}), finds {@link RegisterEsEvents @RegisterEsEvents} on the bean classes of the
 * application context and registers the classes it names with {@link EsEventHints}. Listed in
 * {@code META-INF/spring/aot.factories}.
 */
final class EsEventsAotProcessor implements BeanFactoryInitializationAotProcessor {

    private static final Logger log = LoggerFactory.getLogger(EsEventsAotProcessor.class);

    @Override
    public @Nullable BeanFactoryInitializationAotContribution processAheadOfTime(
            ConfigurableListableBeanFactory beanFactory) {
        Map<Class<?>, List<Class<?>>> byBeanClass = new LinkedHashMap<>();
        for (String name : beanFactory.getBeanDefinitionNames()) {
            Class<?> beanClass = ClassUtils.getUserClass(RegisteredBean.of(beanFactory, name).getBeanClass());
            MergedAnnotations.from(beanClass, SearchStrategy.TYPE_HIERARCHY).stream(RegisterEsEvents.class)
                    .map(MergedAnnotation::synthesize)
                    .forEach(annotation -> byBeanClass.computeIfAbsent(beanClass, c -> new ArrayList<>())
                            .addAll(List.of(events(beanClass, annotation))));
        }
        if (byBeanClass.isEmpty()) {
            return null;
        }
        return (generationContext, code) -> byBeanClass.forEach((beanClass, events) -> {
            var registered = EsEventHints.registerEventClasses(generationContext.getRuntimeHints(),
                    events.toArray(Class<?>[]::new));
            log.debug("es: event classes of {} registered for reflection: {}", beanClass.getName(), registered);
        });
    }

    private static Class<?>[] events(Class<?> beanClass, RegisterEsEvents annotation) {
        if (annotation.value().length == 0) {
            throw new IllegalArgumentException("@RegisterEsEvents on " + beanClass.getName()
                    + " names no event class: list the classes the application registers with its EventSerializer");
        }
        return annotation.value();
    }
}
