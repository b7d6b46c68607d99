package io.streamline.kafka;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Well-formed requests, as kafka-clients encodes them, for every API and version the listener implements,
 * and for APIs and versions it does not: the seeds the hostile-input properties mutate. Produce, Fetch and
 * ListOffsets name one existing topic (by name or, where the version wants it, by id); Metadata asks for
 * that topic, for unknown names or for every topic, without auto-creation; CreateTopics only validates.
 */
final class RequestCorpus
{
    /** One request: API, version and body, encodable with any correlation id. */
    record Seed(ApiKeys api, short version, ApiMessage body)
    {
        byte[] frame(final int correlationId)
        {
            return Frames.request(api, version, correlationId, body);
        }

        /** @return the request header and body, without the length prefix. */
        byte[] unprefixed(final int correlationId)
        {
            return Frames.concat(Frames.header(api, version, correlationId), Frames.encode(body, version));
        }

        @Override
        public String toString()
        {
            return api + " v" + version;
        }
    }

    private final String topic;
    private final Uuid topicId;

    /**
     * @param topic   an existing topic with at least one partition that requests may read and write.
     * @param topicId its id.
     */
    RequestCorpus(final String topic, final Uuid topicId)
    {
        this.topic = topic;
        this.topicId = topicId;
    }

    /** @return a request of an API and version the listener implements. */
    Arbitrary<Seed> supported()
    {
        final List<Arbitrary<Seed>> choices = new ArrayList<>();
        for (final ApiKeys api : SupportedApis.versions().keySet())
        {
            final short[] range = SupportedApis.versions().get(api);
            choices.add(Combinators.combine(Arbitraries.shorts().between(range[0], range[1]),
                    Arbitraries.integers().between(0, Integer.MAX_VALUE))
                .as((version, seed) -> new Seed(api, version, body(api, version, seed))));
        }
        return Arbitraries.oneOf(choices);
    }

    /** @return a well-formed request of an API the listener does not implement, or of a version it does not. */
    Arbitrary<Seed> unsupported()
    {
        final List<Seed> seeds = new ArrayList<>();
        for (final ApiKeys api : ApiKeys.values())
        {
            for (short version = api.oldestVersion(); version <= api.latestVersion(); version++)
            {
                if (SupportedApis.isSupported(api, version))
                {
                    continue;
                }
                final ApiMessage body = SupportedApis.versions().containsKey(api) ? body(api, version, 0) :
                    api.messageType.newRequest();
                try
                {
                    Frames.encode(body, version);
                    seeds.add(new Seed(api, version, body));
                }
                catch (final RuntimeException ex)
                {
                    // A default body that this version cannot carry: not a seed.
                }
            }
        }
        return Arbitraries.of(seeds);
    }

    private ApiMessage body(final ApiKeys api, final short version, final int seed)
    {
        return switch (api)
        {
            case API_VERSIONS -> version >= 3 ?
                new ApiVersionsRequestData().setClientSoftwareName("fuzz").setClientSoftwareVersion("1.0") :
                new ApiVersionsRequestData();
            case METADATA -> metadata(version, seed);
            case CREATE_TOPICS -> new CreateTopicsRequestData().setTimeoutMs(1000).setValidateOnly(true)
                .setTopics(new CreateTopicsRequestData.CreatableTopicCollection(List.of(
                    new CreateTopicsRequestData.CreatableTopic().setName("fuzz-created-" + (seed % 5))
                        .setNumPartitions(1 + seed % 3).setReplicationFactor((short)1)).iterator()));
            case INIT_PRODUCER_ID -> new InitProducerIdRequestData().setTransactionalId(null)
                .setTransactionTimeoutMs(60_000);
            case LIST_OFFSETS -> new ListOffsetsRequestData().setReplicaId(-1).setTopics(List.of(
                new ListOffsetsRequestData.ListOffsetsTopic().setName(topic).setPartitions(List.of(
                    new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0)
                        .setTimestamp(seed % 2 == 0 ? -1 : -2)))));
            case PRODUCE -> produce(version, seed);
            case FETCH -> fetch(version, seed);
            default -> api.messageType.newRequest();
        };
    }

    private MetadataRequestData metadata(final short version, final int seed)
    {
        final MetadataRequestData data = new MetadataRequestData();
        if (version >= 4)
        {
            data.setAllowAutoTopicCreation(false);
        }
        if (version >= 1 && seed % 3 == 0)
        {
            return data.setTopics(null);
        }
        final List<MetadataRequestData.MetadataRequestTopic> topics = new ArrayList<>();
        topics.add(new MetadataRequestData.MetadataRequestTopic().setName(topic));
        topics.add(new MetadataRequestData.MetadataRequestTopic().setName("fuzz-unknown-" + seed % 7));
        return data.setTopics(topics);
    }

    private ProduceRequestData produce(final short version, final int seed)
    {
        final MemoryRecords records = MemoryRecords.withRecords(Compression.NONE,
            new SimpleRecord(1_700_000_000_000L, ("k" + seed).getBytes(StandardCharsets.UTF_8),
                ("v" + seed).getBytes(StandardCharsets.UTF_8)));
        final ProduceRequestData.TopicProduceData data = new ProduceRequestData.TopicProduceData()
            .setPartitionData(List.of(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records)));
        if (version >= 13)
        {
            data.setTopicId(topicId);
        }
        else
        {
            data.setName(topic);
        }
        return new ProduceRequestData().setAcks((short)(seed % 3 == 0 ? 1 : -1)).setTimeoutMs(1000)
            .setTopicData(new ProduceRequestData.TopicProduceDataCollection(List.of(data).iterator()));
    }

    private FetchRequestData fetch(final short version, final int seed)
    {
        final FetchRequestData.FetchTopic data = new FetchRequestData.FetchTopic().setPartitions(List.of(
            new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(seed % 4)
                .setPartitionMaxBytes(64 * 1024)));
        if (version >= 13)
        {
            data.setTopicId(topicId);
        }
        else
        {
            data.setTopic(topic);
        }
        return new FetchRequestData().setMaxWaitMs(0).setMinBytes(seed % 2).setMaxBytes(1024 * 1024)
            .setTopics(List.of(data));
    }
}
