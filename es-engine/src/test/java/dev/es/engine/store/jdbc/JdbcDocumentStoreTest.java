package dev.es.engine.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.engine.document.AbstractDocumentStoreContractTest;
import dev.es.engine.document.DocumentConcurrencyException;
import dev.es.engine.document.DocumentStore;
import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JdbcDocumentStoreTest extends AbstractDocumentStoreContractTest {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension(JdbcTables.defaults());

    @Override
    protected DocumentStore createStore() {
        return new JdbcDocumentStore(POSTGRES.connections(), JdbcTables.defaults());
    }

    @Test
    void aRecreatedDocumentDoesNotReuseAnOldEtag() {
        ObjectDocument doc = ObjectDocument.create("Order", "recreated", new StreamPointer("order-r", "main"));
        ObjectDocument first = store.create(doc);
        store.delete("Order", "recreated", first.etag());
        ObjectDocument second = store.create(doc);
        assertThat(second.etag()).isNotEqualTo(first.etag());
        assertThatThrownBy(() -> store.update(first.withTag("x", "1")))
                .isInstanceOf(DocumentConcurrencyException.class);
        assertThatThrownBy(() -> store.update(second.withEtag("not-a-number")))
                .isInstanceOf(DocumentConcurrencyException.class);
        assertThat(store.isReachable()).isTrue();
    }
}
