package io.streamline.embedded.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A topic that {@link StreamlineTest} creates before each isolation scope begins. */
@Target({})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface TestTopic
{
    /** @return the topic name. */
    String name();

    /** @return the number of partitions. */
    int partitions() default 1;

    /** @return config overrides as {@code name=value} (Kafka topic config names), for example {@code cleanup.policy=compact}. */
    String[] configs() default {};
}
