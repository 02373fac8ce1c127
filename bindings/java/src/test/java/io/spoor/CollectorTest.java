package io.spoor;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/** Base of the tests that run against one collector per class, emptied before each test. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CollectorTest {
    protected Collector collector;

    @BeforeAll
    void start() throws Exception {
        collector = new Collector();
    }

    @AfterAll
    void stop() throws Exception {
        collector.close();
    }

    @BeforeEach
    void reset() throws Exception {
        collector.reset();
    }
}
