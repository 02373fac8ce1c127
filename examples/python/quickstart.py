"""Quickstart: a purchase recordEvent, a profile and consents.

    python quickstart.py http://127.0.0.1:8080 [API_KEY]
"""
from __future__ import annotations

import logging
import sys
import time

import spoor


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: quickstart.py HOST [API_KEY]", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(name)s %(levelname)s %(message)s")

    # The module-level client: spoor.init(...), then spoor.record_event(...) and the rest.
    spoor.init(argv[2] if len(argv) > 2 else None, host=argv[1])

    spoor.profile(profile_id="user_42", user_identifier="john.smith@example.com",
                  account_identifier="acme")

    spoor.record_event("purchase", {
        "profileId": "user_42",
        "items": [{"item name": "item 1", "price": 20}, {"item name": "item 2", "price": 15}],
        "totalprice": 35,
        "ispaid": True,
        "timestamp": int(time.time() * 1000),
        "fixed.name": "John Smith",
        "fixed.age": 28,
        "visit.trackcharge": 35,
    })

    spoor.track_consents([
        {"regulation": "GDPR", "purpose": "advertising", "consented": True},
        {"regulation": "CCPA", "purpose": "advertising", "consented": True},
    ], profile_id="user_42")

    spoor.flush(timeout=10)
    print("sent:", spoor.stats())
    spoor.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
