package io.streamline.embedded.junit;

/** What a test sees of the tests that ran before it on the same engine. */
public enum Isolation
{
    /** Every test starts from an empty engine holding only the declared topics (the default). */
    PER_TEST,
    /** Every test class starts from an empty engine; its tests see each other's topics, groups and offsets. */
    PER_CLASS
}
