package io.streamline.embedded.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code java.util.Properties} parameter or field that {@link StreamlineExtension} fills with a
 * kafka-clients producer's settings: {@code bootstrap.servers}, {@code String} key and value serializers,
 * {@code linger.ms=0}, {@code retry.backoff.ms=10} (a transactional producer's first InitProducerId is retried
 * while its coordinator connection opens) and timeouts of 10 to 30 seconds, so a broken test fails instead of
 * hanging. Each gets its own copy.
 */
@Target({ElementType.PARAMETER, ElementType.FIELD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ProducerProperties
{
}
