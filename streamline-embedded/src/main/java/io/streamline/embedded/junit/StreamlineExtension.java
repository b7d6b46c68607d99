package io.streamline.embedded.junit;

import io.streamline.embedded.StreamlineEngine;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.platform.commons.support.AnnotationSupport;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Properties;

/**
 * The JUnit 5 extension behind {@link StreamlineTest}: hands each isolation scope (a test, or a class with
 * {@link Isolation#PER_CLASS} or {@code @TestInstance(PER_CLASS)}) an engine of its own from a pool, emptied
 * ({@link StreamlineEngine#reset(java.util.function.Consumer)}) with the declared topics created while no
 * connection is accepted, injects parameters and fields, and when the scope ends returns the engine to the pool. Pools live in the class's JUnit store, or
 * in the root store with {@link StreamlineTest#shared()}; JUnit closes them, and their engines, when the
 * class or the run ends.
 * <p>
 * Injected, into constructor, test and lifecycle method parameters and into non-static fields:
 * <ul>
 *   <li>{@code StreamlineEngine}: the engine (do not close it);</li>
 *   <li>{@code @BootstrapServers String}: the listener's {@code host:port};</li>
 *   <li>{@code @ProducerProperties}, {@code @ConsumerProperties}, {@code @AdminProperties} {@code Properties}:
 *       kafka-clients settings, a new copy each.</li>
 * </ul>
 * A test class with one instance ({@code @TestInstance(PER_CLASS)}) keeps one engine for all its tests and
 * gets per-test isolation by a reset after each test; its tests must then not run concurrently.
 */
public final class StreamlineExtension
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, TestInstancePostProcessor, ParameterResolver
{
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(StreamlineExtension.class);
    private static final String LEASE = "lease";

    /** Carries the defaults for classes that use {@code @ExtendWith(StreamlineExtension.class)} without the annotation. */
    @StreamlineTest
    private static final class Defaults
    {
    }

    /** Creates the extension; JUnit does, for {@link StreamlineTest}. */
    public StreamlineExtension()
    {
    }

    @Override
    public ExtensionContextScope getTestInstantiationExtensionContextScope(final ExtensionContext rootContext)
    {
        return ExtensionContextScope.TEST_METHOD; // Constructor injection sees the test's own lease.
    }

    @Override
    public void beforeAll(final ExtensionContext context)
    {
        final StreamlineTest test = settings(context);
        if (classHoldsLease(context, test))
        {
            lease(context);
        }
        else
        {
            // Start the class's first engine now, not in its first test, and set the bootstrap property
            // before frameworks (a Spring test context) read it.
            try (EngineLease warm = EngineLease.take(pool(context, test), test))
            {
                warm.engine();
            }
        }
    }

    @Override
    public void beforeEach(final ExtensionContext context)
    {
        final StreamlineTest test = settings(context);
        if (test.isolation() == Isolation.PER_TEST && holder(context, test) != context &&
            context.getExecutionMode() == ExecutionMode.CONCURRENT)
        {
            throw new ExtensionConfigurationException(context.getRequiredTestClass().getName() +
                ": a class with one test instance (@TestInstance(PER_CLASS)) cannot isolate tests that run concurrently;" +
                " use @StreamlineTest(isolation = PER_CLASS), the default PER_METHOD lifecycle, or @Execution(SAME_THREAD)");
        }
        lease(context);
    }

    @Override
    public void afterEach(final ExtensionContext context)
    {
        final StreamlineTest test = settings(context);
        final ExtensionContext holder = holder(context, test);
        if (test.isolation() == Isolation.PER_TEST && holder != context)
        {
            lease(holder).resetAndPrepare();
        }
        // Otherwise the test's lease is closed (the engine returned, to be emptied by its next taker) with its context.
    }

    @Override
    public void postProcessTestInstance(final Object instance, final ExtensionContext context) throws IllegalAccessException
    {
        for (Class<?> type = instance.getClass(); type != null && type != Object.class; type = type.getSuperclass())
        {
            for (final Field field : type.getDeclaredFields())
            {
                if (Modifier.isStatic(field.getModifiers()) || Modifier.isFinal(field.getModifiers()) ||
                    !isInjectable(field, field.getType()))
                {
                    continue;
                }
                field.setAccessible(true);
                field.set(instance, value(field, field.getType(), lease(context).engine(), field.toString()));
            }
        }
    }

    @Override
    public boolean supportsParameter(final ParameterContext parameterContext, final ExtensionContext context)
    {
        return isInjectable(parameterContext.getParameter(), parameterContext.getParameter().getType());
    }

    @Override
    public Object resolveParameter(final ParameterContext parameterContext, final ExtensionContext context)
    {
        return value(parameterContext.getParameter(), parameterContext.getParameter().getType(), lease(context).engine(),
            parameterContext.getParameter().toString());
    }

    private static boolean isInjectable(final AnnotatedElement element, final Class<?> type)
    {
        if (type == StreamlineEngine.class)
        {
            return true;
        }
        if (type == String.class)
        {
            return element.isAnnotationPresent(BootstrapServers.class);
        }
        return type == Properties.class && (element.isAnnotationPresent(ProducerProperties.class) ||
            element.isAnnotationPresent(ConsumerProperties.class) || element.isAnnotationPresent(AdminProperties.class));
    }

    private static Object value(final AnnotatedElement element, final Class<?> type, final StreamlineEngine engine,
        final String where)
    {
        if (type == StreamlineEngine.class)
        {
            return engine;
        }
        if (engine.kafkaListenerPort() < 0)
        {
            throw new ExtensionConfigurationException(where + " needs a Kafka listener, but the test class has " +
                "@StreamlineTest(listener = false)");
        }
        final String bootstrap = engine.kafkaBootstrapServers();
        if (type == String.class)
        {
            return bootstrap;
        }
        if (element.isAnnotationPresent(ProducerProperties.class))
        {
            return KafkaClientProperties.producer(bootstrap);
        }
        if (element.isAnnotationPresent(ConsumerProperties.class))
        {
            return KafkaClientProperties.consumer(bootstrap, element.getAnnotation(ConsumerProperties.class).groupId());
        }
        return KafkaClientProperties.admin(bootstrap);
    }

    /** @return the lease of the scope {@code context} belongs to, taking an engine from the pool on first use. */
    private static EngineLease lease(final ExtensionContext context)
    {
        final StreamlineTest test = settings(context);
        final ExtensionContext holder = holder(context, test);
        final EngineLease lease = holder.getStore(NAMESPACE).get(LEASE, EngineLease.class);
        if (lease != null)
        {
            return lease;
        }
        // The pool first: a store closes its values in reverse order, so a lease in the same store closes first.
        final EnginePool pool = pool(holder, test);
        return holder.getStore(NAMESPACE).getOrComputeIfAbsent(LEASE, key -> EngineLease.take(pool, test), EngineLease.class);
    }

    /**
     * @return the context whose store holds the lease: the class's with per-class isolation or one test
     *         instance, else the test's.
     */
    private static ExtensionContext holder(final ExtensionContext context, final StreamlineTest test)
    {
        if (classHoldsLease(context, test))
        {
            return classContext(context);
        }
        if (context.getTestMethod().isEmpty())
        {
            throw new ExtensionConfigurationException(context.getRequiredTestClass().getName() +
                ": with per-test isolation the engine belongs to each test; inject it into tests, @BeforeEach " +
                "methods, fields or constructors, not into @BeforeAll methods (or use isolation = PER_CLASS)");
        }
        return context;
    }

    private static boolean classHoldsLease(final ExtensionContext context, final StreamlineTest test)
    {
        return test.isolation() == Isolation.PER_CLASS ||
            context.getTestInstanceLifecycle().orElse(TestInstance.Lifecycle.PER_METHOD) == TestInstance.Lifecycle.PER_CLASS;
    }

    private static ExtensionContext classContext(final ExtensionContext context)
    {
        ExtensionContext current = context;
        while (current.getTestMethod().isPresent() && current.getParent().isPresent())
        {
            current = current.getParent().get();
        }
        return current;
    }

    private static EnginePool pool(final ExtensionContext context, final StreamlineTest test)
    {
        final EngineSettings settings = EngineSettings.of(test);
        if (test.shared())
        {
            return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(settings, key -> new EnginePool(settings),
                EnginePool.class);
        }
        ExtensionContext outermost = classContext(context);
        while (outermost.getParent().isPresent() && outermost.getParent().get().getParent().isPresent())
        {
            outermost = outermost.getParent().get(); // Nested classes share their outer class's pool.
        }
        return outermost.getStore(NAMESPACE).getOrComputeIfAbsent(settings, key -> new EnginePool(settings),
            EnginePool.class);
    }

    /** @return the {@link StreamlineTest} of the test class or the nearest class enclosing it, or the defaults. */
    private static StreamlineTest settings(final ExtensionContext context)
    {
        for (Class<?> type = context.getRequiredTestClass(); type != null; type = type.getEnclosingClass())
        {
            final java.util.Optional<StreamlineTest> found = AnnotationSupport.findAnnotation(type, StreamlineTest.class);
            if (found.isPresent())
            {
                return found.get();
            }
        }
        return Defaults.class.getAnnotation(StreamlineTest.class);
    }
}
