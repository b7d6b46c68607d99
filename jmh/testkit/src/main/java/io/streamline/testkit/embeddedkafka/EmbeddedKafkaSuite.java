package io.streamline.testkit.embeddedkafka;

import io.streamline.embedded.junit.TestTopic;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The comparison side of jmh/testkit/run.sh: what {@code @StreamlineTest} does, on spring-kafka-test's
 * EmbeddedKafka KRaft broker. run.sh puts this annotation in place of {@code @StreamlineTest} in copies of the
 * example suite; the attributes the suite uses have the same names.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(EmbeddedKafkaSuiteExtension.class)
public @interface EmbeddedKafkaSuite
{
    /** @return topics created before each test. */
    TestTopic[] topics() default {};

    /** @return accepted for the same source; the broker is always one per run. */
    boolean shared() default true;
}
