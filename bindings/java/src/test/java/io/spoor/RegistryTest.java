package io.spoor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The Get APIs and schemasFrom against a collector that serves a schema registry (--schemas). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryTest {
    static final String REGISTRY = "{\"sources\": ["
            + "{\"id\": \"shop-server\", \"org\": \"acme\", \"project\": \"web\","
            + " \"collections\": {\"purchase\": {\"totalprice\": \"number\", \"ispaid\": \"boolean\"}}},"
            + "{\"id\": \"crm\", \"org\": \"acme\", \"project\": \"web\", \"collections\": {\"signup\": {\"plan\": \"string\"}}}]}";

    private Path dir;
    private Collector collector;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("spoor-java-registry");
        Path file = dir.resolve("schemas.json");
        Files.writeString(file, REGISTRY);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        collector = new Collector("--schemas", file.toString());
    }

    @AfterAll
    void stop() throws Exception {
        collector.close();
        Files.deleteIfExists(dir.resolve("schemas.json"));
        Files.deleteIfExists(dir);
    }

    @Test
    void fetchSourcesAndCollectionsGiveTheAnswersText() {
        try (Client client = collector.client().build()) {
            JsonObject sources = JsonParser.parseString(client.fetchSources("acme", "web")).getAsJsonObject();
            JsonArray list = sources.getAsJsonArray("sources");
            assertEquals(2, list.size());
            assertEquals("shop-server", list.get(0).getAsJsonObject().get("id").getAsString());
            JsonObject crm = JsonParser.parseString(client.fetchCollections("crm")).getAsJsonObject();
            assertEquals("string", crm.getAsJsonObject("collections").getAsJsonObject("signup").get("plan").getAsString());
            assertEquals(0, client.stats().requests); // the event queue is not touched
        }
    }

    @Test
    void aFailedFetchThrowsWithTheStatusAndTheAnswer() {
        try (Client client = collector.client().build()) {
            SpoorException e = assertThrows(SpoorException.class, () -> client.fetchSources("acme", "mobile"));
            assertEquals("HTTP", e.getCode());
            assertTrue(e.getMessage().startsWith("fetch_sources: HTTP 404 from " + collector.url
                    + "/v1/orgs/acme/projects/mobile/sources: "), e.getMessage());
            assertTrue(e.getMessage().contains("no such project"), e.getMessage());
            ValidationException v = assertThrows(ValidationException.class, () -> client.fetchCollections(""));
            assertEquals("source: must be a non-empty string", v.getMessage());
            client.close();
            assertThrows(ClosedException.class, () -> client.fetchCollections("crm"));
        }
    }

    @Test
    void schemasFromRefusesAWrongTypeAtTheCall() throws Exception {
        try (Client client = collector.client().schemasFrom("shop-server").build()) {
            ValidationException e = assertThrows(ValidationException.class,
                    () -> client.recordEvent("purchase", Map.of("profileId", "p1", "totalprice", "35")));
            assertEquals("event.totalprice: must be of type number (collection purchase)", e.getMessage());
            client.recordEvent("purchase", Map.of("profileId", "p1", "totalprice", 35));
            client.flush(10_000);
            assertEquals(1, client.stats().schemaFetches);
            assertEquals(1, client.stats().delivered);
        }
    }
}
