package io.streamline.embedded.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code java.util.Properties} parameter or field that {@link StreamlineExtension} fills with a
 * kafka-clients consumer's settings: {@code bootstrap.servers}, {@code group.id}, {@code String} key and
 * value deserializers, {@code auto.offset.reset=earliest}, {@code fetch.max.wait.ms=100} (a consumer's close
 * waits for its outstanding Fetch), {@code heartbeat.interval.ms=100} (members hear of a rebalance at their next
 * heartbeat), {@code retry.backoff.ms=10} and timeouts of 10 to 30 seconds. Each gets its own copy.
 */
@Target({ElementType.PARAMETER, ElementType.FIELD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ConsumerProperties
{
    /** @return the consumer group; empty for a consumer without a group (one that assigns partitions itself). */
    String groupId() default "test-group";
}
