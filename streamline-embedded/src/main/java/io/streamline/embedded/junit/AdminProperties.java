package io.streamline.embedded.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code java.util.Properties} parameter or field that {@link StreamlineExtension} fills with a
 * kafka-clients admin's settings: {@code bootstrap.servers}, {@code retry.backoff.ms=10} and timeouts of 10 to
 * 30 seconds. Each gets its own copy.
 */
@Target({ElementType.PARAMETER, ElementType.FIELD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface AdminProperties
{
}
