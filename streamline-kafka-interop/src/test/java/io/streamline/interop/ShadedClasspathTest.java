package io.streamline.interop;

import io.streamline.embedded.StreamlineEngine;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URL;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The classpath these tests run on is a host's: its own kafka-clients 3.9 and streamline-kafka's shaded jar, whose
 * kafka-clients 4.x lives under a relocated package. If any of this fails, the other tests prove nothing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShadedClasspathTest
{
    @Test
    void theHostsKafkaClientsIs39AndStreamlinesOwnIsRelocatedInsideItsJar() throws Exception
    {
        Interop.requireShadedListener();
        assertTrue(AppInfoParser.getVersion().startsWith("3.9."), "host kafka-clients version " + AppInfoParser.getVersion());

        final Class<?> shaded = Class.forName(Interop.SHADED_MESSAGE_CLASS);
        final Class<?> listener = Class.forName("io.streamline.kafka.KafkaListener");
        final URL shadedFrom = shaded.getProtectionDomain().getCodeSource().getLocation();
        final URL listenerFrom = listener.getProtectionDomain().getCodeSource().getLocation();
        assertEquals(listenerFrom, shadedFrom, "the relocated classes come from streamline-kafka's own jar");
        assertTrue(shadedFrom.getPath().matches(".*/streamline-kafka-[^/]+\\.jar"), "packaged jar, not target/classes: " + shadedFrom);

        final Class<?> host = Class.forName("org.apache.kafka.common.message.ApiVersionsRequestData");
        final URL hostFrom = host.getProtectionDomain().getCodeSource().getLocation();
        assertTrue(hostFrom.getPath().endsWith("/kafka-clients-" + AppInfoParser.getVersion() + ".jar"), hostFrom.toString());
        assertNotEquals(host, shaded);
        // 3.9's generated ApiVersionsRequest stops at v4, 4.4's goes to v5: two message sets side by side.
        final short hostMax = host.getField("HIGHEST_SUPPORTED_VERSION").getShort(null);
        final short shadedMax = shaded.getField("HIGHEST_SUPPORTED_VERSION").getShort(null);
        assertEquals(4, hostMax);
        assertTrue(shadedMax > hostMax, "shaded ApiVersionsRequest max version " + shadedMax);

        // The shaded jar ships no kafka-clients resources that the host's copy would pick up as its own.
        assertNull(listener.getClassLoader().getResource("io/streamline/kafka/shaded/org/apache/kafka/kafka/kafka-version.properties"));
        assertEquals(hostFrom.getPath(), jarOf(listener.getClassLoader().getResource("kafka/kafka-version.properties")));
        assertEquals(hostFrom.getPath(), jarOf(listener.getClassLoader().getResource("common/message/ApiVersionsRequest.json")));
    }

    @Test
    void theHostsClientTalksToTheShadedListenerInTheSameJvm() throws Exception
    {
        try (StreamlineEngine engine = Interop.startEngine();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, engine.kafkaBootstrapServers())))
        {
            engine.admin().createTopic("seen-by-the-host", 2);
            assertTrue(admin.listTopics().names().get(30, TimeUnit.SECONDS).contains("seen-by-the-host"));
        }
    }

    private static String jarOf(final URL resource)
    {
        assertNotNull(resource);
        assertEquals("jar", resource.getProtocol(), resource.toString());
        final String file = resource.getPath();
        return java.net.URI.create(file.substring(0, file.indexOf("!/"))).getPath();
    }
}
