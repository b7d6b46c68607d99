package io.streamline.embedded;

/**
 * A topic config value as {@link Admin#describeConfigs} reports it.
 *
 * @param name   the key.
 * @param value  the effective value.
 * @param source where the value comes from.
 */
public record ConfigEntry(String name, String value, Source source)
{
    /** Where a config value comes from, as Kafka's DescribeConfigs reports it. */
    public enum Source
    {
        /** Set on the topic. */
        TOPIC,
        /** An engine-wide default set in the builder. */
        ENGINE_DEFAULT,
        /** Kafka's default. */
        DEFAULT
    }

    /** @return true unless the topic sets the value. */
    public boolean isDefault()
    {
        return source != Source.TOPIC;
    }
}
