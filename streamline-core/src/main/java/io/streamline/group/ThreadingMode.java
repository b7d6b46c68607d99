package io.streamline.group;

/** Which thread runs the group coordinator's work. */
public enum ThreadingMode
{
    /**
     * One thread of its own: requests are queued to it, and it sleeps until the next request or timer.
     * The mode for every real use.
     */
    DEDICATED,
    /**
     * No thread: a request runs on the calling thread before the call returns, and timers fire when the
     * caller calls {@link GroupCoordinator#doWork()}. Not thread-safe; for tests that drive the coordinator
     * step by step with a manual clock.
     */
    CALLER
}
