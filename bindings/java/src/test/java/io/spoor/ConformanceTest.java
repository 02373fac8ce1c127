package io.spoor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.ToNumberPolicy;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The conformance vectors (tests/conformance/vectors, see tests/conformance/FORMAT.md) through
 * the Java Client, against a capturing HTTP server, compared byte for byte. The vectors folder
 * comes from -Dspoor.vectors (default ../../tests/conformance/vectors); without it there are
 * no tests here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConformanceTest {
    static final String BINDING = "java";
    /** Numbers as BigDecimal: the text of the vector reaches the core unchanged. */
    static final Gson GSON = new GsonBuilder().setObjectToNumberStrategy(ToNumberPolicy.BIG_DECIMAL).create();

    /** One request as the capture server received it (the path as sent, not decoded). */
    record Captured(String method, String path, Map<String, String> headers, byte[] body) {}

    private HttpServer server;
    private final List<Captured> captured = new ArrayList<>();
    /** "METHOD path" -> {status, body}: what the vector's server answers (its "server"). */
    private final Map<String, Object[]> answers = new java.util.concurrent.ConcurrentHashMap<>();
    private String url;

    @BeforeAll
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(", ", v)));
            String method = exchange.getRequestMethod(), path = exchange.getRequestURI().getRawPath();
            synchronized (captured) {
                captured.add(new Captured(method, path, headers, body));
                captured.notifyAll();
            }
            Object[] canned = answers.getOrDefault(method + " " + path,
                    new Object[] {200, "{\"accepted\": 0, \"duplicates\": 0, \"rejected\": []}"});
            byte[] answer = ((String) canned[1]).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders((Integer) canned[0], answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "capture");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    void stop() {
        server.stop(0);
    }

    static Path vectorsDir() {
        return Paths.get(System.getProperty("spoor.vectors", "../../tests/conformance/vectors"));
    }

    @TestFactory
    Stream<DynamicTest> vectors() throws IOException {
        Path dir = vectorsDir();
        if (!Files.isDirectory(dir)) {
            return Stream.empty();
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().collect(Collectors.toList());
        }
        return files.stream().map(p -> DynamicTest.dynamicTest(dir.relativize(p).toString(), p.toUri(), () -> run(p)));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> obj(Object o) {
        return (Map<String, Object>) o;
    }

    private void run(Path file) throws Exception {
        Map<String, Object> vec = obj(GSON.fromJson(Files.readString(file), Object.class));
        Map<String, Object> skip = vec.containsKey("skip") ? obj(vec.get("skip")) : Map.of();
        Assumptions.assumeFalse(skip.containsKey(BINDING), () -> "skip: " + skip.get(BINDING));
        Map<String, Object> kf = vec.containsKey("known_failure") ? obj(vec.get("known_failure")) : null;
        Assumptions.assumeTrue(kf == null || !(BINDING.equals(kf.get("binding")) || "core".equals(kf.get("binding"))),
                () -> "known failure: " + kf.get("why"));
        synchronized (captured) {
            captured.clear();
        }
        answers.clear();
        for (Object a : vec.containsKey("server") ? (List<Object>) vec.get("server") : List.of()) {
            Map<String, Object> m = obj(a);
            answers.put(m.get("method") + " " + m.get("path"),
                    new Object[] {((Number) m.get("status")).intValue(), GSON.toJson(m.get("body"))});
        }
        Map<String, Object> config = new LinkedHashMap<>(obj(vec.get("config")));
        config.put("host", url);
        config.put("log_level", "error");
        Client client = new Client(config);
        Map<String, Object> expect = obj(vec.get("expect"));
        try {
            List<Object> calls = (List<Object>) vec.get("calls");
            for (int i = 0; i < calls.size(); i++) {
                Map<String, Object> c = obj(calls.get(i));
                String where = "call " + i + " (" + c.get("op") + ")";
                Map<String, Object> want = c.containsKey("expect_error") ? obj(c.get("expect_error")) : null;
                if (want != null) {
                    SpoorException e = null;
                    try {
                        call(client, c);
                    } catch (SpoorException thrown) {
                        e = thrown;
                    } // a TestAbortedException (argument Java's types refuse) passes: a visible skip
                    if (e == null) throw new AssertionError(where + ": expected " + want.get("code") + ", the call succeeded");
                    String message = (String) want.get("message");
                    if (want.containsKey("message_by_binding") && obj(want.get("message_by_binding")).containsKey(BINDING)) {
                        message = (String) obj(want.get("message_by_binding")).get(BINDING);
                    }
                    assertEquals(want.get("code") + ": " + message, e.getCode() + ": " + e.getMessage(), where);
                    continue;
                }
                Object got = call(client, c);
                if (c.containsKey("expect_value")) assertEquals(c.get("expect_value"), got, where);
                if (c.containsKey("expect_count")) {
                    assertEquals(((Number) c.get("expect_count")).longValue(), ((Number) got).longValue(), where);
                }
            }
            assertEquals(expect.get("anonymous_id"), client.getAnonymousId(), "anonymous id");
        } finally {
            client.close();
        }
        List<Captured> got;
        synchronized (captured) {
            got = new ArrayList<>(captured);
        }
        List<Object> requests = (List<Object>) expect.get("requests");
        assertEquals(requests.size(), got.size(), "number of requests");
        for (int i = 0; i < got.size(); i++) {
            Captured r = got.get(i);
            Map<String, Object> want = obj(requests.get(i));
            byte[] body = r.body();
            if ("gzip".equals(r.headers().get("content-encoding"))) {
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                    body = in.readAllBytes();
                }
            }
            assertEquals(sub((String) want.get("body")), new String(body, StandardCharsets.UTF_8), "request " + i + " body");
            for (Map.Entry<String, Object> h : obj(want.get("headers")).entrySet()) {
                assertEquals(sub((String) h.getValue()), r.headers().get(h.getKey()), "request " + i + " header " + h.getKey());
            }
            for (Object name : (List<Object>) want.get("absent_headers")) {
                assertFalse(r.headers().containsKey((String) name), "request " + i + " has header " + name);
            }
            if (want.get("signature") != null) {
                assertEquals(obj(want.get("signature")).get(BINDING), r.headers().get("x-spoor-signature"),
                        "request " + i + " signature");
            }
            assertEquals(want.getOrDefault("method", "POST") + " " + want.getOrDefault("path", "/v1/batch"),
                    r.method() + " " + r.path(), "request " + i);
        }
    }

    static String sub(String s) {
        return s.replace("{binding}", BINDING);
    }

    /** A vector argument the Java signature cannot take (e.g. a string where a Map goes). */
    static <T> T as(Class<T> type, Object v, String what) {
        if (v == null || type.isInstance(v)) return type.cast(v);
        Assumptions.abort(what + " is a " + v.getClass().getSimpleName() + ": not expressible through the Java API ("
                + type.getSimpleName() + ")");
        return null;
    }

    @SuppressWarnings("unchecked")
    private Object call(Client client, Map<String, Object> c) throws InterruptedException {
        String op = (String) c.get("op");
        switch (op) {
            case "record_event":
                client.recordEvent(as(String.class, c.get("collection"), "collection"), as(Map.class, c.get("event"), "event"));
                return null;
            case "profile":
                client.profile(as(Map.class, c.get("attributes"), "attributes"));
                return null;
            case "track_consents":
                client.trackConsents(as(List.class, c.get("consents"), "consents"), as(Map.class, c.get("subject"), "subject"));
                return null;
            case "track":
                client.track(as(Map.class, c.get("options"), "options"));
                return null;
            case "identify":
                client.identify(as(String.class, c.get("user_id"), "user_id"), as(Map.class, c.get("traits"), "traits"));
                return null;
            case "group":
                client.group(as(String.class, c.get("user_id"), "user_id"), as(String.class, c.get("group_id"), "group_id"),
                        as(Map.class, c.get("traits"), "traits"));
                return null;
            case "page":
                client.page(as(String.class, c.get("user_id"), "user_id"), as(String.class, c.get("name"), "name"),
                        as(Map.class, c.get("properties"), "properties"));
                return null;
            case "screen":
                client.screen(as(String.class, c.get("user_id"), "user_id"), as(String.class, c.get("name"), "name"),
                        as(Map.class, c.get("properties"), "properties"));
                return null;
            case "alias":
                client.alias(as(String.class, c.get("previous_id"), "previous_id"), as(String.class, c.get("user_id"), "user_id"));
                return null;
            case "product":
                client.product(as(Map.class, c.get("product"), "product"));
                return null;
            case "ingest_feed":
                return client.ingestFeed(as(String.class, c.get("feed"), "feed"));
            case "batch":
                client.batch(as(List.class, c.get("messages"), "messages"));
                return null;
            case "flush":
                client.flush();
                return null;
            case "close":
                client.close();
                return null;
            case "anonymous_id":
                return client.getAnonymousId();
            case "wait_requests":
                waitRequests(((Number) c.get("count")).intValue());
                return null;
            case "fetch_sources":
                return GSON.fromJson(client.fetchSources(as(String.class, c.get("org"), "org"),
                        as(String.class, c.get("project"), "project")), Object.class);
            case "fetch_collections":
                return GSON.fromJson(client.fetchCollections(as(String.class, c.get("source"), "source")), Object.class);
            default:
                throw new AssertionError("unknown op " + op);
        }
    }

    private void waitRequests(int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        synchronized (captured) {
            while (captured.size() < n) {
                long left = deadline - System.currentTimeMillis();
                assertTrue(left > 0, "waited 10 s for " + n + " requests, got " + captured.size());
                captured.wait(left);
            }
        }
    }
}
