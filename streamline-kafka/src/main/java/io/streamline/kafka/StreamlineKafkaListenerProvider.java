package io.streamline.kafka;

import io.streamline.embedded.StreamlineEngine;
import io.streamline.embedded.spi.KafkaListenerProvider;

/**
 * Lets {@code StreamlineEngine.builder().kafkaListener(port)} start a {@link KafkaListener} when this
 * module is on the classpath (registered for {@link java.util.ServiceLoader}).
 */
public final class StreamlineKafkaListenerProvider implements KafkaListenerProvider
{
    @Override
    public Listener start(final StreamlineEngine engine, final String host, final int port)
    {
        return KafkaListener.start(engine, host, port);
    }

    @Override
    public void warmUp()
    {
        WarmUp.start();
    }
}
