package io.streamline.embedded.junit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a test class against an in-memory {@link io.streamline.embedded.StreamlineEngine} with a Kafka
 * listener on a free port of 127.0.0.1, started by {@link StreamlineExtension}.
 * <pre>{@code
 * @StreamlineTest(topics = @TestTopic(name = "orders", partitions = 3))
 * class OrdersTest
 * {
 *     @Test
 *     void producesAndConsumes(@ProducerProperties final Properties producer, @ConsumerProperties final Properties consumer)
 *     {
 *         // new KafkaProducer<String, String>(producer) ... new KafkaConsumer<String, String>(consumer) ...
 *     }
 * }
 * }</pre>
 * Tests get the engine ({@code StreamlineEngine} parameters and fields), the bootstrap address
 * ({@link BootstrapServers}) and ready-made kafka-clients settings ({@link ProducerProperties},
 * {@link ConsumerProperties}, {@link AdminProperties}) as constructor or method parameters or fields.
 * <p>
 * With {@link Isolation#PER_TEST} (the default) each test starts from an empty engine holding only the
 * declared {@link #topics()}: before it every topic, consumer group and committed offset an earlier test left is
 * deleted and every Kafka connection closed ({@link io.streamline.embedded.StreamlineEngine#reset()}, a few
 * milliseconds), without restarting the engine or changing its port. Tests that run concurrently
 * ({@code @Execution(CONCURRENT)}) each get an engine of their own from a pool; sequential tests reuse one.
 * With {@link #shared()} the pool is kept for the whole test run, so every class with the same engine
 * settings uses the same engine (and port) and the run starts an engine only once.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(StreamlineExtension.class)
public @interface StreamlineTest
{
    /** @return topics created before each isolation scope (each test, or each class) begins. */
    TestTopic[] topics() default {};

    /** @return whether producing to, or asking metadata of, a missing topic creates it ({@code auto.create.topics.enable}). */
    boolean autoCreateTopics() default true;

    /** @return partitions of auto-created topics ({@code num.partitions}). */
    int defaultPartitions() default 1;

    /** @return whether to start a Kafka listener; native-only tests need no port. Needs {@code streamline-kafka}. */
    boolean listener() default true;

    /**
     * @return the listener's port; 0 (the default) picks a free one. With a fixed port the pool holds at most
     *         one engine, so tests that run concurrently wait for each other.
     */
    int port() default 0;

    /** @return the fsync policy: {@code never} (the default), {@code always}, {@code interval} or {@code interval:<ms>}. */
    String fsync() default "never";

    /**
     * @return a directory for the engine's files, or empty (the default) for an engine in memory. Engine
     *         {@code n} of the pool uses {@code <dataDir>/engine-<n>}, emptied when the engine starts.
     */
    String dataDir() default "";

    /** @return what each test sees of the tests before it. */
    Isolation isolation() default Isolation.PER_TEST;

    /**
     * @return whether engines outlive the class: kept for the whole test run (closed when it ends) and
     *         shared by every class with the same engine settings.
     */
    boolean shared() default false;

    /**
     * @return a system property set to the bootstrap address when an engine is handed to a class or test,
     *         for frameworks that read their settings from properties (for example
     *         {@code spring.kafka.bootstrap-servers}); empty (the default) sets none. A system property is one
     *         per JVM: concurrent tests that get different engines should use injected addresses instead.
     */
    String bootstrapServersProperty() default "";
}
