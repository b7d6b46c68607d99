package io.streamline.embedded.spi;

import io.streamline.embedded.StreamlineEngine;

/**
 * Starts a Kafka wire-protocol listener for an engine. Implemented by the {@code streamline-kafka} module
 * and found with {@link java.util.ServiceLoader}, so the engine does not depend on it at compile time.
 */
public interface KafkaListenerProvider
{
    /**
     * Start listening.
     *
     * @param engine the engine to serve.
     * @param host   the address to bind.
     * @param port   the port to bind; 0 picks a free one.
     * @return the running listener.
     */
    Listener start(StreamlineEngine engine, String host, int port);

    /**
     * Prepare for {@link #start} in the background (for example, load what it needs) while the engine opens,
     * so that a listener in a fresh JVM is ready sooner; returns at once. Optional: starting works without it.
     */
    default void warmUp()
    {
    }

    /** A running listener. */
    interface Listener extends AutoCloseable
    {
        /** @return the bound host. */
        String host();

        /** @return the bound port. */
        int port();

        /**
         * Close every open connection and wait until they are closed, then run {@code action} before any
         * new connection is accepted; go on listening on the same port afterwards.
         *
         * @param action runs while no connection is open, on the calling thread.
         */
        void closeConnections(Runnable action);

        /** Stop listening and close every connection. */
        @Override
        void close();
    }
}
