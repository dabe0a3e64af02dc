package dev.es.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.es.autoconfigure.actuate.EsHealthContributor;
import dev.es.engine.document.DocumentStore;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.memory.InMemoryEventStore;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/** The {@code es} health composite: one indicator per store, DOWN for the one that cannot be reached. */
class EsHealthContributorTest {

    @Test
    void aStoreThatCannotBeReachedIsDownOnItsOwnPath() {
        EventStore cold = mock(EventStore.class);
        when(cold.name()).thenReturn("cold");
        when(cold.isReachable()).thenThrow(new IllegalStateException("connection refused"));
        DocumentStore documents = mock(DocumentStore.class);
        when(documents.isReachable()).thenReturn(true);
        DistributedLockProvider locks = mock(DistributedLockProvider.class);
        when(locks.isReachable()).thenReturn(false);

        EsHealthContributor es = new EsHealthContributor(
                new EventStoreRegistry(List.of(new InMemoryEventStore("main"), cold)), documents, locks);

        CompositeHealthContributor stores = (CompositeHealthContributor) es.getContributor("stores");
        assertThat(stores.stream().map(HealthContributors.Entry::name)).containsExactly("main", "cold");
        assertThat(((HealthIndicator) stores.getContributor("main")).health().getStatus()).isEqualTo(Status.UP);
        assertThat(((HealthIndicator) stores.getContributor("cold")).health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(((HealthIndicator) stores.getContributor("cold")).health().getDetails().toString())
                .contains("connection refused");
        assertThat(((HealthIndicator) es.getContributor("documents")).health().getStatus()).isEqualTo(Status.UP);
        assertThat(((HealthIndicator) es.getContributor("locks")).health().getStatus()).isEqualTo(Status.DOWN);
    }
}
