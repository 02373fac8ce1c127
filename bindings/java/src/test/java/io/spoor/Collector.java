package io.spoor;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** The test peer: collector/'s spoor-collector on a free port (-Dspoor.collector=PATH). */
final class Collector implements AutoCloseable {
    static final String API_KEY = "java-test-key";
    /** Opens /micro/*, which get() and post() send it to. */
    static final String ADMIN_KEY = "java-admin-key";

    private final Process process;
    private final Path dir;
    final String url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A collector with these extra arguments (e.g. --schemas FILE). */
    Collector(String... extra) throws IOException, InterruptedException {
        String exe = System.getProperty("spoor.collector", System.getenv("SPOOR_COLLECTOR"));
        if (exe == null || !new File(exe).canExecute()) {
            throw new IllegalStateException("no collector: set -Dspoor.collector=PATH (got " + exe + ")");
        }
        dir = Files.createTempDirectory("spoor-java-test");
        Path portFile = dir.resolve("port");
        List<String> argv = new ArrayList<>(List.of(exe, "--port", "0", "--port-file", portFile.toString(),
                "--api-key", API_KEY, "--admin-key", ADMIN_KEY, "--quiet"));
        argv.addAll(List.of(extra));
        process = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("collector.log").toFile())
                .start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!Files.exists(portFile)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("collector did not start: "
                        + Files.readString(dir.resolve("collector.log")));
            }
            Thread.sleep(20);
        }
        url = "http://127.0.0.1:" + Files.readString(portFile).trim();
    }

    /** A builder pointed at this collector, with a short flush interval. */
    Builder client() {
        return Client.builder().host(url).apiKey(API_KEY).flushInterval(200).retryBackoff(10);
    }

    JsonElement get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + path))
                        .header("X-API-Key", ADMIN_KEY).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException("GET " + path + ": " + r.statusCode() + " " + r.body());
        return JsonParser.parseString(r.body());
    }

    void post(String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + path))
                .header("Content-Type", "application/json").header("X-API-Key", ADMIN_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException("POST " + path + ": " + r.statusCode() + " " + r.body());
    }

    void reset() throws IOException, InterruptedException {
        post("/micro/reset", "");
    }

    void fault(String json) throws IOException, InterruptedException {
        post("/micro/fault", json);
    }

    JsonObject counts() throws IOException, InterruptedException {
        return get("/micro/all").getAsJsonObject();
    }

    /** Stored events, filtered by type and eventName ("" = any). */
    JsonArray good(String type, String eventName) throws IOException, InterruptedException {
        return get("/micro/good?type=" + enc(type) + "&eventName=" + enc(eventName)).getAsJsonArray();
    }

    JsonArray requests() throws IOException, InterruptedException {
        return get("/micro/requests?limit=100").getAsJsonArray();
    }

    /** How /micro/requests shows a credential: a short hash, never the value. */
    static String fingerprint(String secret) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return "***sha256:" + HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        process.waitFor();
        for (String f : new String[] {"collector.log", "port"}) Files.deleteIfExists(dir.resolve(f));
        Files.deleteIfExists(dir);
    }
}
