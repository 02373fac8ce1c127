"""A Stripe webhook handler that tracks completed checkouts.

    python stripe_webhook.py HOST [API_KEY] [--port 3000]
    python stripe_webhook.py HOST [API_KEY] --self-test   # post one fake webhook to itself, exit

POST /webhook/stripe with a Stripe event; checkout.session.completed becomes a
"purchase" track event. The handler answers at once: tracking only queues.
"""
from __future__ import annotations

import argparse
import json
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict

import spoor

client: spoor.Client


def handle_stripe_event(event: Dict[str, Any]) -> None:
    if event.get("type") == "checkout.session.completed":
        session = event["data"]["object"]
        client.track("purchase", user_id=session["client_reference_id"], event_id=event.get("id"),
                     properties={
                         "revenue": session["amount_total"] / 100,
                         "currency": session["currency"],
                         "order_id": session["id"],
                         "payment_method": "stripe",
                     })


class WebhookHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        if self.path != "/webhook/stripe":
            self.send_error(404)
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            handle_stripe_event(json.loads(self.rfile.read(length)))
        except (ValueError, KeyError, spoor.ValidationError) as exc:
            self.send_error(400, str(exc))
            return
        body = json.dumps({"received": True}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        sys.stderr.write("webhook: " + format % args + "\n")


FAKE_EVENT = {
    "id": "evt_1TestCheckoutCompleted",
    "type": "checkout.session.completed",
    "data": {"object": {"id": "cs_test_a1b2c3", "client_reference_id": "user_123",
                        "amount_total": 4999, "currency": "usd"}},
}


def self_test(port: int) -> None:
    req = urllib.request.Request("http://127.0.0.1:%d/webhook/stripe" % port,
                                 data=json.dumps(FAKE_EVENT).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        print("webhook answered:", resp.status, resp.read().decode())


def main() -> int:
    global client
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("host")
    parser.add_argument("api_key", nargs="?")
    parser.add_argument("--port", type=int, default=3000)
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()

    client = spoor.Client(args.api_key, host=args.host)
    server = ThreadingHTTPServer(("127.0.0.1", 0 if args.self_test else args.port), WebhookHandler)
    port = server.server_address[1]
    if args.self_test:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self_test(port)
        server.shutdown()
    else:
        print("listening on http://127.0.0.1:%d/webhook/stripe" % port)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    server.server_close()
    client.close(timeout=10)  # flush before exit
    print("stats:", client.stats())
    return 0


if __name__ == "__main__":
    sys.exit(main())
