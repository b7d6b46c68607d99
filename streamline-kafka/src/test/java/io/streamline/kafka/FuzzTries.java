package io.streamline.kafka;

import net.jqwik.api.Example;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Sets the tries of every property (not {@code @Example}) of the class it is added to from {@code -Dstreamline.fuzz.tries}: the
 * pom passes 200, {@code -Pslow} 20000, and any run can ask for more, e.g.
 * {@code mvn -pl streamline-kafka -am test -Dtest='*PropertiesTest' -Dstreamline.fuzz.tries=100000}.
 */
public final class FuzzTries implements AroundPropertyHook
{
    /** Tries per property. */
    static final int TRIES = Integer.getInteger("streamline.fuzz.tries", 200);

    @Override
    public PropagationMode propagateTo()
    {
        return PropagationMode.ALL_DESCENDANTS;
    }

    @Override
    public PropertyExecutionResult aroundProperty(final PropertyLifecycleContext context,
        final PropertyExecutor property)
    {
        if (!context.targetMethod().isAnnotationPresent(Example.class))
        {
            context.attributes().setTries(TRIES);
        }
        return property.execute();
    }
}
