package dev.es.sample.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.stream.EventStreams;
import dev.es.sample.Order;
import dev.es.sample.SampleApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** Without {@code es.demo.enabled} the demo does nothing: no report, no demo order. */
@SpringBootTest(classes = SampleApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
@Timeout(30)
class DemoModeOffTest {

    @Autowired
    private DemoMode demo;

    @Autowired
    private EventStreams streams;

    @Test
    void theDemoDoesNotRunUnlessEnabled() {
        assertThat(demo.result()).isNotDone();
        assertThat(streams.documents().objectIds(Order.OBJECT_NAME)).noneMatch(id -> id.startsWith("demo-"));
    }
}
