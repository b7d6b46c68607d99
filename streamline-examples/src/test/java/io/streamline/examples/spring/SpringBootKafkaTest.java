package io.streamline.examples.spring;

import io.streamline.embedded.junit.BootstrapServers;
import io.streamline.embedded.junit.Isolation;
import io.streamline.embedded.junit.StreamlineTest;
import io.streamline.embedded.junit.TestTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A Spring Boot application's Kafka test on Streamline: Spring Boot's auto-configured {@code KafkaTemplate} and a
 * {@code @KafkaListener} container connect through {@code spring.kafka.bootstrap-servers}, which the test kit sets.
 * The switch from spring-kafka-test is the one annotation line below.
 */
@SpringBootTest(classes = SpringBootKafkaTest.App.class, properties = {
    "spring.kafka.consumer.group-id=greeters",
    "spring.kafka.consumer.auto-offset-reset=earliest"})
// was: @EmbeddedKafka(partitions = 1, topics = "greetings", bootstrapServersProperty = "spring.kafka.bootstrap-servers")
@StreamlineTest(shared = true, isolation = Isolation.PER_CLASS, topics = @TestTopic(name = "greetings"),
    bootstrapServersProperty = "spring.kafka.bootstrap-servers")
@DirtiesContext
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SpringBootKafkaTest
{
    /** The application: it greets whoever it hears of on "greetings". */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App
    {
        final BlockingQueue<String> heard = new LinkedBlockingQueue<>();

        @KafkaListener(topics = "greetings")
        void listen(final String name)
        {
            heard.add("hello " + name);
        }
    }

    @Autowired
    KafkaTemplate<String, String> template;

    @Autowired
    App app;

    @Value("${spring.kafka.bootstrap-servers}")
    String springBootstrap;

    @Test
    void theKafkaTemplateReachesTheKafkaListenerThroughStreamline(@BootstrapServers final String bootstrap) throws Exception
    {
        assertEquals(bootstrap, springBootstrap, "Spring Boot connects to the engine of this class");
        template.send("greetings", "k", "streamline").get(30, TimeUnit.SECONDS);
        assertEquals("hello streamline", app.heard.poll(60, TimeUnit.SECONDS));
    }
}
