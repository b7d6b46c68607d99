package io.streamline.examples.spring;

import io.streamline.embedded.StreamlineEngine;
import io.streamline.embedded.junit.StreamlineTest;
import io.streamline.embedded.junit.TestTopic;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;

import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Per-test isolation under one Spring context: the context (its {@code KafkaTemplate} and its
 * {@code @KafkaListener} container) lives across the tests of the class while the test kit empties the engine
 * after each test. The reset disconnects the template and the container; they reconnect, the container's
 * group rejoins the emptied engine, and the next test's records are heard (at least once), with nothing of the
 * previous test.
 */
@SpringBootTest(classes = SpringBootPerTestIsolationTest.App.class, properties = {
    "spring.kafka.consumer.group-id=per-test-greeters",
    "spring.kafka.consumer.auto-offset-reset=earliest",
    "spring.kafka.consumer.properties.heartbeat.interval.ms=100"})
@StreamlineTest(topics = @TestTopic(name = "per-test-greetings"), bootstrapServersProperty = "spring.kafka.bootstrap-servers")
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SpringBootPerTestIsolationTest
{
    /** The application: it greets whoever it hears of. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App
    {
        final BlockingQueue<String> heard = new LinkedBlockingQueue<>();

        @KafkaListener(topics = "per-test-greetings")
        void listen(final String name)
        {
            heard.add("hello " + name);
        }
    }

    @Autowired
    KafkaTemplate<String, String> template;

    @Autowired
    App app;

    @Test
    @Order(1)
    void theFirstTestIsHeard() throws Exception
    {
        template.send("per-test-greetings", "k", "first").get(30, TimeUnit.SECONDS);
        assertEquals("hello first", app.heard.poll(60, TimeUnit.SECONDS));
    }

    @Test
    @Order(2)
    void theNextTestIsHeardAfterTheResetAndNothingOfTheFirstComesBack(final StreamlineEngine engine) throws Exception
    {
        assertEquals(Set.of("per-test-greetings"), engine.admin().listTopics().stream()
            .filter(t -> !t.startsWith("__")).collect(java.util.stream.Collectors.toSet()), "only the declared topic");
        // The template reconnects on its own; its first send after the reset may need a metadata refresh.
        template.send("per-test-greetings", "k", "second").get(60, TimeUnit.SECONDS);
        template.send("per-test-greetings", "k", "third").get(60, TimeUnit.SECONDS);
        // The container may hear "second" twice: it can read it before it learns that its group is gone (its
        // commit then fails), and after rejoining it reads the new topic from the start again (at least once,
        // as a Kafka consumer whose commit failed). It never hears the previous test's record.
        final java.util.List<String> heard = new java.util.ArrayList<>();
        while (!heard.contains("hello third"))
        {
            final String next = app.heard.poll(60, TimeUnit.SECONDS);
            assertNotNull(next, "the container rejoined and reads the new topic; heard so far: " + heard);
            heard.add(next);
        }
        assertTrue(heard.contains("hello second"), heard.toString());
        assertFalse(heard.contains("hello first"), "nothing of the previous test: " + heard);
        assertTrue(heard.stream().allMatch(h -> h.equals("hello second") || h.equals("hello third")), heard.toString());
    }
}
