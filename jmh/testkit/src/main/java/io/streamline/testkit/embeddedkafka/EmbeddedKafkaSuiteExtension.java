package io.streamline.testkit.embeddedkafka;

import io.streamline.embedded.junit.AdminProperties;
import io.streamline.embedded.junit.BootstrapServers;
import io.streamline.embedded.junit.ConsumerProperties;
import io.streamline.embedded.junit.ProducerProperties;
import io.streamline.embedded.junit.TestTopic;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One EmbeddedKafka KRaft broker for the whole run (kept in the root store, destroyed when the run ends), the
 * same injected settings as the Streamline test kit, and the same isolation done the way an EmbeddedKafka user
 * has to: after each test every topic and consumer group is deleted through the admin client (waiting until the
 * topics are gone), and before each test the declared topics are created.
 */
public final class EmbeddedKafkaSuiteExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver
{
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EmbeddedKafkaSuiteExtension.class);

    /** The broker, as a store value that JUnit closes at the end of the run. */
    static final class Broker implements AutoCloseable
    {
        final EmbeddedKafkaKraftBroker kafka;
        final Admin admin;

        Broker()
        {
            kafka = new EmbeddedKafkaKraftBroker(1, 1);
            kafka.brokerProperty("group.initial.rebalance.delay.ms", "0");
            // One broker: Kafka's defaults (3 replicas, min ISR 2) would leave transactional producers waiting.
            kafka.brokerProperty("transaction.state.log.replication.factor", "1");
            kafka.brokerProperty("transaction.state.log.min.isr", "1");
            kafka.brokerProperty("auto.create.topics.enable", "true");
            kafka.afterPropertiesSet();
            final Properties props = new Properties();
            props.put("bootstrap.servers", kafka.getBrokersAsString());
            admin = Admin.create(props);
        }

        @Override
        public void close()
        {
            admin.close();
            kafka.destroy();
        }
    }

    static Broker broker(final ExtensionContext context)
    {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Broker.class, key -> new Broker(), Broker.class);
    }

    @Override
    public void beforeEach(final ExtensionContext context) throws Exception
    {
        final Broker broker = broker(context);
        final EmbeddedKafkaSuite suite = context.getRequiredTestClass().getAnnotation(EmbeddedKafkaSuite.class);
        final List<NewTopic> topics = new ArrayList<>();
        for (final TestTopic topic : suite.topics())
        {
            final Map<String, String> configs = new TreeMap<>();
            for (final String entry : topic.configs())
            {
                configs.put(entry.substring(0, entry.indexOf('=')), entry.substring(entry.indexOf('=') + 1));
            }
            topics.add(new NewTopic(topic.name(), topic.partitions(), (short)1).configs(configs));
        }
        for (final NewTopic topic : topics)
        {
            while (true)
            {
                try
                {
                    broker.admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                    break;
                }
                catch (final ExecutionException ex)
                {
                    if (!(ex.getCause() instanceof TopicExistsException))
                    {
                        throw ex;
                    }
                    Thread.sleep(10); // Still being deleted after the previous test.
                }
            }
        }
    }

    @Override
    public void afterEach(final ExtensionContext context) throws Exception
    {
        final Admin admin = broker(context).admin;
        final List<String> groups = new ArrayList<>();
        for (final ConsumerGroupListing group : admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS))
        {
            groups.add(group.groupId());
        }
        if (!groups.isEmpty())
        {
            admin.deleteConsumerGroups(groups).all().get(30, TimeUnit.SECONDS);
        }
        Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        if (!topics.isEmpty())
        {
            admin.deleteTopics(topics).all().get(30, TimeUnit.SECONDS);
        }
        while (!topics.isEmpty())
        {
            Thread.sleep(10);
            topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public boolean supportsParameter(final ParameterContext parameterContext, final ExtensionContext extensionContext)
    {
        final Parameter parameter = parameterContext.getParameter();
        return parameter.isAnnotationPresent(BootstrapServers.class) || parameter.isAnnotationPresent(ProducerProperties.class) ||
            parameter.isAnnotationPresent(ConsumerProperties.class) || parameter.isAnnotationPresent(AdminProperties.class);
    }

    @Override
    public Object resolveParameter(final ParameterContext parameterContext, final ExtensionContext extensionContext)
    {
        final Parameter parameter = parameterContext.getParameter();
        final String bootstrap = broker(extensionContext).kafka.getBrokersAsString();
        if (parameter.isAnnotationPresent(BootstrapServers.class))
        {
            return bootstrap;
        }
        final Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("request.timeout.ms", "10000");
        props.put("retry.backoff.ms", "10"); // the client settings of io.streamline.embedded.junit.KafkaClientProperties
        if (parameter.isAnnotationPresent(ProducerProperties.class))
        {
            props.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
            props.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
            props.put("max.block.ms", "30000");
            props.put("delivery.timeout.ms", "30000");
            props.put("linger.ms", "0");
            return props;
        }
        props.put("default.api.timeout.ms", "30000");
        if (parameter.isAnnotationPresent(ConsumerProperties.class))
        {
            props.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
            props.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
            props.put("auto.offset.reset", "earliest");
            props.put("fetch.max.wait.ms", "100");
            props.put("heartbeat.interval.ms", "100");
            final String groupId = parameter.getAnnotation(ConsumerProperties.class).groupId();
            if (!groupId.isEmpty())
            {
                props.put("group.id", groupId);
            }
        }
        return props;
    }
}
