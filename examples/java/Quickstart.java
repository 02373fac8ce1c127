// Quickstart: a purchase recordEvent, a profile and consents, then close.
//
//   java -cp bindings/java/target/classes -Dspoor.library=build-swig/bindings/java/lib/libspoor_java.so \
//        examples/java/Quickstart.java http://127.0.0.1:8080 [API_KEY]
//
// (Build first: cmake -S . -B build-swig -DSPOOR_BUILD_SWIG=ON && cmake --build build-swig --target spoor_swig,
//  then mvn -q -B -f bindings/java/pom.xml compile.)
import io.spoor.Client;
import io.spoor.SpoorException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

public class Quickstart {
    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: Quickstart HOST [API_KEY]");
            System.exit(2);
        }
        AtomicInteger notDelivered = new AtomicInteger();
        try (Client client = Client.builder()
                .host(args[0])
                .apiKey(args.length > 1 ? args[1] : null)
                .flushInterval(5_000) // ms
                .onDelivery(report -> { // on the client's worker thread
                    if (!report.delivered()) {
                        notDelivered.addAndGet(report.eventIds.size());
                        System.err.println(report.eventIds.size() + " events not delivered: " + report.reason);
                    }
                })
                .build()) {
            // recordEvent: a purchase in the custom collection "purchase"
            Map<String, Object> purchase = new LinkedHashMap<>();
            purchase.put("profileId", "user_123");
            purchase.put("items", List.of(
                    Map.of("item name", "item 1", "price", 20),
                    Map.of("item name", "item 2", "price", 15)));
            purchase.put("totalprice", 35);
            purchase.put("ispaid", true);
            purchase.put("timestamp", System.currentTimeMillis());
            purchase.put("fixed.name", "John Smith");
            purchase.put("fixed.age", 28);
            purchase.put("visit.trackcharge", 35);
            client.recordEvent("purchase", purchase);

            client.profile(Map.of("profileId", "user_123",
                    "user_identifier", "john.smith@example.com",
                    "account_identifier", "acme"));

            client.trackConsents(List.of(
                    Map.of("regulation", "GDPR", "purpose", "advertising", "consented", true),
                    Map.of("regulation", "CCPA", "purpose", "advertising", "consented", true)),
                    Map.of("profileId", "user_123"));

            client.flush(10_000);
            System.out.println("sent: " + client.stats());
        } catch (SpoorException e) {
            System.err.println(e.getCode() + ": " + e.getMessage());
            System.exit(1);
        }
        if (notDelivered.get() > 0) System.exit(1);
    }
}
