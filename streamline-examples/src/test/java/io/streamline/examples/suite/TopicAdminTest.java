package io.streamline.examples.suite;

import io.streamline.embedded.junit.AdminProperties;
import io.streamline.embedded.junit.ProducerProperties;
import io.streamline.embedded.junit.StreamlineTest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.streamline.examples.suite.Records.send;
import static org.junit.jupiter.api.Assertions.*;

/** A provisioning service that manages topics through the admin client; each test starts without topics. */
@StreamlineTest(shared = true)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TopicAdminTest
{
    @Test
    void createsTopicsWithPartitionsAndConfigs(@AdminProperties final Properties adminProps) throws Exception
    {
        try (Admin admin = Admin.create(adminProps))
        {
            admin.createTopics(List.of(new NewTopic("customers", 6, (short)1).configs(Map.of("cleanup.policy", "compact")))).all().get();
            final TopicDescription customers = admin.describeTopics(List.of("customers")).allTopicNames().get().get("customers");
            assertEquals(6, customers.partitions().size());
            final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "customers");
            final Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertEquals("compact", config.get("cleanup.policy").value());
        }
    }

    @Test
    void startsWithNoTopicsAtAll(@AdminProperties final Properties adminProps) throws Exception
    {
        try (Admin admin = Admin.create(adminProps))
        {
            assertEquals(Set.of(), admin.listTopics().names().get());
        }
    }

    @Test
    void growsATopic(@AdminProperties final Properties adminProps) throws Exception
    {
        try (Admin admin = Admin.create(adminProps))
        {
            admin.createTopics(List.of(new NewTopic("clicks", Optional.of(2), Optional.empty()))).all().get();
            admin.createPartitions(Map.of("clicks", NewPartitions.increaseTo(5))).all().get();
            assertEquals(5, admin.describeTopics(List.of("clicks")).allTopicNames().get().get("clicks").partitions().size());
        }
    }

    @Test
    void deletesATopic(@AdminProperties final Properties adminProps) throws Exception
    {
        try (Admin admin = Admin.create(adminProps))
        {
            admin.createTopics(List.of(new NewTopic("temporary", 1, (short)1))).all().get();
            admin.deleteTopics(List.of("temporary")).all().get();
            while (admin.listTopics().names().get().contains("temporary"))
            {
                Thread.onSpinWait();
            }
            assertFalse(admin.listTopics().names().get().contains("temporary"));
        }
    }

    @Test
    void producingToAMissingTopicCreatesIt(@ProducerProperties final Properties producerProps,
        @AdminProperties final Properties adminProps) throws Exception
    {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps))
        {
            send(producer, "signups", "user-1", "joined");
        }
        try (Admin admin = Admin.create(adminProps))
        {
            assertTrue(admin.listTopics().names().get().contains("signups"));
        }
    }
}
