package io.streamline.kafka;

import io.streamline.StreamlineException;
import io.streamline.embedded.StreamlineEngine;
import io.streamline.topic.Topic;
import io.streamline.topic.TopicConfigs;
import io.streamline.topic.TopicManager;
import io.streamline.topic.TopicNames;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;

import java.util.List;
import java.util.Map;

/**
 * DescribeConfigs v1-4 for topics and for the broker.
 * <p>
 * A topic reports every config key Streamline knows with its effective value and source: TOPIC_CONFIG
 * when the topic overrides it, STATIC_BROKER_CONFIG when the engine sets a default, else DEFAULT_CONFIG.
 * Synonyms (when asked for) list, in Kafka's order of precedence, the override, the engine default and
 * Kafka's default, the last two under Kafka's broker config name; documentation (v3+, when asked for)
 * is Streamline's description of the key. An unknown topic is UNKNOWN_TOPIC_OR_PARTITION, an illegal
 * name INVALID_TOPIC_EXCEPTION.
 * <p>
 * Broker "0" reports {@link BrokerConfigs}; the empty name (the cluster-wide dynamic defaults) reports
 * none, since there are none; another name is INVALID_REQUEST. Other resource types (broker loggers,
 * client metrics, groups) are INVALID_REQUEST. An empty or null list of keys means every key.
 */
final class DescribeConfigsHandler
{
    private final StreamlineEngine engine;
    private final String host;
    private final int port;

    DescribeConfigsHandler(final StreamlineEngine engine, final String host, final int port)
    {
        this.engine = engine;
        this.host = host;
        this.port = port;
    }

    DescribeConfigsResponseData handle(final DescribeConfigsRequestData request)
    {
        final DescribeConfigsResponseData response = new DescribeConfigsResponseData();
        for (final DescribeConfigsRequestData.DescribeConfigsResource resource : request.resources())
        {
            final DescribeConfigsResponseData.DescribeConfigsResult result = new DescribeConfigsResponseData.DescribeConfigsResult()
                .setResourceType(resource.resourceType()).setResourceName(resource.resourceName())
                .setErrorCode(Errors.NONE.code());
            response.results().add(result);
            final ConfigResource.Type type = ConfigResource.Type.forId(resource.resourceType());
            try
            {
                if (type == ConfigResource.Type.TOPIC)
                {
                    describeTopic(resource, request.includeSynonyms(), request.includeDocumentation(), result);
                }
                else if (type == ConfigResource.Type.BROKER)
                {
                    describeBroker(resource, request.includeSynonyms(), request.includeDocumentation(), result);
                }
                else
                {
                    error(result, Errors.INVALID_REQUEST.code(), "Unsupported resource type " + type + " (" +
                        resource.resourceType() + "): Streamline describes topic and broker configs");
                }
            }
            catch (final StreamlineException ex)
            {
                error(result, ex.errorCode().code(), ex.getMessage());
            }
        }
        return response;
    }

    private void describeTopic(final DescribeConfigsRequestData.DescribeConfigsResource resource, final boolean synonyms,
        final boolean documentation, final DescribeConfigsResponseData.DescribeConfigsResult result)
    {
        TopicNames.validate(resource.resourceName());
        final TopicManager topics = engine.topicManager();
        final Topic topic = topics.require(resource.resourceName());
        final Map<String, String> overrides = topic.configOverrides();
        final Map<String, String> defaults = topics.defaults();
        for (final Map.Entry<String, String> e : topics.effectiveConfigs(topic).entrySet())
        {
            final String key = e.getKey();
            if (!wanted(resource, key))
            {
                continue;
            }
            final TopicConfigs.Definition def = TopicConfigs.definition(key);
            final String serverName = BrokerConfigs.serverSynonym(key);
            final DescribeConfigsResponseData.DescribeConfigsResourceResult entry =
                new DescribeConfigsResponseData.DescribeConfigsResourceResult()
                    .setName(key).setValue(e.getValue()).setReadOnly(false).setIsSensitive(false)
                    .setConfigType(BrokerConfigs.type(def).id())
                    .setDocumentation(documentation ? def.doc() : null)
                    .setConfigSource((overrides.containsKey(key) ? ConfigSource.TOPIC_CONFIG :
                        defaults.containsKey(key) ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG).id());
            if (synonyms)
            {
                if (overrides.containsKey(key))
                {
                    entry.synonyms().add(synonym(key, overrides.get(key).trim(), ConfigSource.TOPIC_CONFIG));
                }
                if (defaults.containsKey(key))
                {
                    entry.synonyms().add(synonym(serverName != null ? serverName : key, defaults.get(key).trim(),
                        ConfigSource.STATIC_BROKER_CONFIG));
                }
                if (serverName != null)
                {
                    entry.synonyms().add(synonym(serverName, def.defaultValue(), ConfigSource.DEFAULT_CONFIG));
                }
            }
            result.configs().add(entry);
        }
    }

    private void describeBroker(final DescribeConfigsRequestData.DescribeConfigsResource resource, final boolean synonyms,
        final boolean documentation, final DescribeConfigsResponseData.DescribeConfigsResult result)
    {
        final String name = resource.resourceName();
        if (name == null || name.isEmpty())
        {
            return; // No cluster-wide dynamic defaults exist.
        }
        final String problem = checkBrokerName(name);
        if (problem != null)
        {
            error(result, Errors.INVALID_REQUEST.code(), problem);
            return;
        }
        for (final BrokerConfigs.Entry e : BrokerConfigs.describe(engine, host, port))
        {
            if (!wanted(resource, e.name()))
            {
                continue;
            }
            final DescribeConfigsResponseData.DescribeConfigsResourceResult entry =
                new DescribeConfigsResponseData.DescribeConfigsResourceResult()
                    .setName(e.name()).setValue(e.value()).setReadOnly(true).setIsSensitive(false)
                    .setConfigSource(e.source().id()).setConfigType(e.type().id())
                    .setDocumentation(documentation ? e.doc() : null);
            if (synonyms)
            {
                entry.synonyms().add(synonym(e.name(), e.value(), e.source()));
            }
            result.configs().add(entry);
        }
    }

    /**
     * Kafka's check of a broker resource name: an integer, this node's id.
     *
     * @return why the name is wrong, or null if it is this node's.
     */
    static String checkBrokerName(final String name)
    {
        try
        {
            if (Integer.parseInt(name) == MetadataHandler.NODE_ID)
            {
                return null;
            }
            return "Unexpected broker id, expected " + MetadataHandler.NODE_ID + " or empty string, but received " + name;
        }
        catch (final NumberFormatException ex)
        {
            return "Broker id must be an integer, but it is: " + name;
        }
    }

    private static boolean wanted(final DescribeConfigsRequestData.DescribeConfigsResource resource, final String key)
    {
        final List<String> keys = resource.configurationKeys();
        return keys == null || keys.isEmpty() || keys.contains(key);
    }

    private static DescribeConfigsResponseData.DescribeConfigsSynonym synonym(
        final String name, final String value, final ConfigSource source)
    {
        return new DescribeConfigsResponseData.DescribeConfigsSynonym().setName(name).setValue(value).setSource(source.id());
    }

    private static void error(final DescribeConfigsResponseData.DescribeConfigsResult result, final short code, final String message)
    {
        result.setErrorCode(code).setErrorMessage(message).configs().clear();
    }
}
