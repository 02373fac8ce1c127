package io.spoor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** spoolDir: events kept on disk while the server is down and replayed by the next client. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpoolTest extends CollectorTest {
    /** A loopback socket bound but not listening: connecting to its port is refused. */
    static Socket deadPort() throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress("127.0.0.1", 0));
        return s;
    }

    static List<String> segments(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("seg-")).sorted()
                    .collect(Collectors.toList());
        }
    }

    static List<String> ids(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(String.format("%s-%03d", prefix, i));
        return out;
    }

    List<String> storedIds(String eventName) throws Exception {
        JsonArray got = collector.good("track", eventName);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < got.size(); i++) {
            out.add(got.get(i).getAsJsonObject().get("eventId").getAsString());
        }
        Collections.sort(out);
        return out;
    }

    /** Open dir against the collector, check n events were replayed and delivered; the stats after close. */
    Stats replay(Path dir, int n) throws Exception {
        List<DeliveryReport> reports = Collections.synchronizedList(new ArrayList<>());
        Client client = collector.client().flushInterval(50).spoolDir(dir).onDelivery(reports::add).build();
        assertEquals(n, client.stats().replayed, "loaded at creation");
        client.flush(10_000);
        client.close(5_000);
        for (DeliveryReport r : reports) assertTrue(r.delivered(), r.toString());
        assertEquals(n, reports.stream().mapToInt(r -> r.eventIds.size()).sum());
        return client.stats();
    }

    @Test
    void eventsSurviveACloseWhileTheServerIsDownAndASecondClientDeliversThemOnce(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("spool");
        int n = 25;
        List<String> want = ids("down", n);
        List<DeliveryReport> reports = Collections.synchronizedList(new ArrayList<>());
        Stats s;
        try (Socket dead = deadPort()) {
            Client client = Client.builder().host("http://127.0.0.1:" + dead.getLocalPort()).apiKey(Collector.API_KEY)
                    .flushInterval(50).retryLimit(0).retryBackoff(10).retryBackoffMax(50).connectTimeout(1_000)
                    .spoolDir(dir.toString()).spoolSync("batch").onDelivery(reports::add).build();
            for (String id : want) client.track(Map.of("event", "spooled", "userId", "u", "eventId", id));
            client.close(500); // no TimeoutException: what is undelivered stays in the spool
            s = client.stats();
            assertThrows(ClosedException.class, () -> client.track(Map.of("event", "late", "userId", "u")));
        }
        assertEquals(n, s.accepted, s.toString());
        assertEquals(n, s.queued, s.toString());
        assertEquals(0, s.failed, s.toString());
        assertEquals(0, s.delivered, s.toString());
        assertEquals(0, s.dropped, s.toString());
        assertTrue(s.requests >= 1, s.toString());
        assertEquals(List.of(), reports, "nothing reported failed");
        assertTrue(!segments(dir).isEmpty(), "the events are on disk");

        s = replay(dir, n);
        assertEquals(n, s.replayed, s.toString());
        assertEquals(n, s.delivered, s.toString());
        assertEquals(0, s.queued, s.toString());
        assertEquals(0, s.failed, s.toString());
        assertEquals(0, s.spoolCorrupt, s.toString());
        assertEquals(Long.valueOf(n), s.toMap().get("replayed"));
        assertEquals(want, storedIds("spooled"));
        assertEquals(n, collector.counts().get("total").getAsInt());
        assertEquals(0, collector.counts().get("duplicates").getAsInt());
        assertEquals(List.of(), segments(dir), "all settled: the segments are gone");

        try (Client again = collector.client().spoolDir(dir).build()) {
            assertEquals(0, again.stats().replayed);
        }
        assertEquals(n, collector.counts().get("total").getAsInt());
    }

    @Test
    void aHeldSpoolIsAConfigExceptionNamingItAndOpensOnceClosed(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("held");
        Client first = collector.client().spoolDir(dir).build();
        ConfigException e = assertThrows(ConfigException.class, () -> collector.client().spoolDir(dir).build());
        assertEquals("CONFIG_INVALID", e.getCode());
        assertTrue(e.getMessage().startsWith("spool_dir: " + dir + " is in use by another client (pid "
                + ProcessHandle.current().pid() + ")"), e.getMessage());
        first.track(Map.of("event", "held", "userId", "u", "eventId", "held-1"));
        first.close(5_000);
        try (Client second = collector.client().spoolDir(dir).build()) {
            assertEquals(0, second.stats().replayed);
            second.track(Map.of("event", "held", "userId", "u", "eventId", "held-2"));
            second.flush(10_000);
            assertEquals(1, second.stats().delivered);
        }
        assertEquals(List.of("held-1", "held-2"), storedIds("held"));
    }

    @Test
    void eventsSurviveKill9OfTheProcessThatTrackedThem(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("spool");
        int n = 40;
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child;
        try (Socket dead = deadPort()) {
            child = new ProcessBuilder(java, "-cp", cp, "-Dspoor.library=" + System.getProperty("spoor.library"),
                    SpoolChild.class.getName(), "http://127.0.0.1:" + dead.getLocalPort(), dir.toString(),
                    Integer.toString(n)).redirectError(tmp.resolve("child.log").toFile()).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                String line = out.readLine();
                assertEquals("tracked " + n, line, () -> {
                    try {
                        return Files.readString(tmp.resolve("child.log"));
                    } catch (IOException e) {
                        return e.toString();
                    }
                });
                child.destroyForcibly(); // SIGKILL: no close, no exit hook
                assertTrue(child.waitFor(20, TimeUnit.SECONDS));
            } finally {
                child.destroyForcibly();
            }
        }
        assertEquals(128 + 9, child.exitValue(), "killed by SIGKILL");
        Stats s = replay(dir, n);
        assertEquals(n, s.replayed, s.toString());
        assertEquals(n, s.delivered, s.toString());
        assertEquals(0, s.spoolCorrupt, s.toString());
        assertEquals(ids("k9", n), storedIds("killed"));
        assertEquals(0, collector.counts().get("duplicates").getAsInt());
    }

    @Test
    void spoolSyncTakesItsThreeValues(@TempDir Path tmp) {
        for (String sync : new String[] {"none", "batch", "event"}) {
            Client.builder().host(collector.url).spoolDir(tmp.resolve(sync)).spoolSync(sync).build().close(0);
        }
        ConfigException e = assertThrows(ConfigException.class,
                () -> Client.builder().host(collector.url).spoolDir(tmp.resolve("bad")).spoolSync("fsync").build());
        assertTrue(e.getMessage().contains("spool_sync"), e.getMessage());
    }

    /** The child of the kill -9 test: tracks n events into the spool, says so, then waits to be killed. */
    static final class SpoolChild {
        public static void main(String[] args) throws Exception {
            int n = Integer.parseInt(args[2]);
            Client client = Client.builder().host(args[0]).apiKey(Collector.API_KEY).retryLimit(0).retryBackoff(10)
                    .spoolDir(args[1]).build();
            for (int i = 0; i < n; i++) {
                client.track(Map.of("event", "killed", "userId", "u", "eventId", String.format("k9-%03d", i)));
            }
            if (client.stats().queued != n) {
                System.out.println("queued " + client.stats().queued);
                System.exit(5);
            }
            System.out.println("tracked " + n);
            System.out.flush();
            Thread.sleep(60_000);
            System.exit(6);
        }
    }
}
