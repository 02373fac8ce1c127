"""The three events ci/bench sends, and the code that builds a new one per call in every language.

    python shapes.py OUTDIR        writes OUTDIR/shapes.json, shapes_gen.js, shapes_gen.py,
                                   Shapes.java and OUTDIR/<shape>.txt (the C template)

One definition (SHAPES below), so that every runner sends the same values. A real service
builds a new object per event from its own variables; each runner does the same with a
literal generated from here (no deep copy, no parsing per event), so the cost of building
the value is what a service would pay. Strings holding "{i}" get the event's number.

  purchase  a purchase (userId, event, 4 properties, 2 items), about 250 bytes
  wide      30 properties: nested objects, arrays, non-ASCII text (accents, CJK, emoji)
  large     a 44-line cart and a description, about 10 KB as JSON
"""
from __future__ import annotations

import json
import os
import sys

PURCHASE = {
    "userId": "user_{i}",
    "event": "purchase",
    "properties": {
        "revenue": 99.99,
        "currency": "USD",
        "product_id": "prod_{i}",
        "items": [{"item name": "item 1", "price": 20}, {"item name": "item 2", "price": 15}],
    },
}

WIDE = {
    "userId": "user_{i}",
    "event": "checkout completed",
    "properties": {
        "order_id": "ord_{i}",
        "revenue": 1234.56,
        "currency": "EUR",
        "tax": 197.11,
        "shipping": 4.9,
        "discount": 0,
        "coupon": "SOMMER-2026",
        "payment_method": "carte_bancaire",
        "installments": 3,
        "is_first_purchase": False,
        "is_gift": True,
        "gift_message": "Joyeux anniversaire, Zoë ! 🎂",
        "customer": {"name": "José Müller-Łukasiewicz", "email": "jose@example.com", "tier": "gold",
                     "since": "2019-04-01", "locale": "de-CH"},
        "shipping_address": {"street": "Bahnhofstraße 7", "city": "Zürich", "postal_code": "8001",
                             "country": "CH", "geo": {"lat": 47.3769, "lon": 8.5417}},
        "billing_address": {"street": "Rue de l'Église 12", "city": "Genève", "postal_code": "1204",
                            "country": "CH"},
        "items": [
            {"sku": "SKU-001", "name": "Crème brûlée set", "price": 24.5, "quantity": 2, "category": "cuisine"},
            {"sku": "SKU-002", "name": "東京タワー model", "price": 89.9, "quantity": 1, "category": "souvenirs"},
            {"sku": "SKU-003", "name": "Достоевский, Идиот", "price": 12.75, "quantity": 1, "category": "livres"},
        ],
        "item_count": 4,
        "tags": ["sale", "été", "promo"],
        "campaign": {"source": "newsletter", "medium": "email", "name": "rentrée-2026", "content": "hero_banner"},
        "device": {"type": "mobile", "os": "iOS", "os_version": "17.4.1", "app_version": "5.12.0"},
        "session_id": "sess_{i}",
        "page_url": "https://shop.example.com/checkout?step=3",
        "referrer": "https://www.example.org/suche?q=crème",
        "ab_test": {"experiment": "checkout_v2", "variant": "B"},
        "loyalty_points": 1250,
        "delivery_days": 4,
        "notes": "Bitte beim Nachbarn abgeben — merci! 🙏",
        "rating": 4.5,
        "newsletter_opt_in": True,
        "store_id": 17,
    },
}


def _large() -> dict:
    colours = ["bleu", "grün", "rouge", "schwarz", "white"]
    cart = [{"sku": "SKU-%05d" % (10000 + k), "name": "Produit %d — édition limitée" % (k + 1),
             "category": "home/kitchen/%d" % (k % 7), "price": round(3.99 + k * 1.25, 2), "quantity": 1 + k % 3,
             "variant": {"colour": colours[k % 5], "size": "SML"[k % 3]}, "in_stock": k % 4 != 0,
             "tags": ["new", "eco"]} for k in range(44)]
    description = ("Commande passée depuis l'application mobile ; livraison standard, emballage cadeau "
                   "refusé. ") * 10
    return {"userId": "user_{i}", "event": "cart viewed",
            "properties": {"cart_id": "cart_{i}", "currency": "EUR", "lines": len(cart), "cart": cart,
                           "description": description.strip()}}


LARGE = _large()
SHAPES = {"purchase": PURCHASE, "wide": WIDE, "large": LARGE}
TITLES = {"purchase": "the purchase (4 properties)", "wide": "30 properties, nested, non-ASCII",
          "large": "about 10 KB (a 44-line cart and a description)"}


def instance(shape: dict, i: int):
    """The value the builders make for event i (what the runners' --dump prints)."""
    if isinstance(shape, dict):
        return {k: instance(v, i) for k, v in shape.items()}
    if isinstance(shape, list):
        return [instance(v, i) for v in shape]
    if isinstance(shape, str):
        return shape.replace("{i}", str(i))
    return shape


def size(name: str) -> int:
    """Bytes of the event as compact JSON (UTF-8), for event 0."""
    return len(json.dumps(instance(SHAPES[name], 0), ensure_ascii=False, separators=(",", ":")).encode())


def _split(s: str) -> list:
    """"user_{i}" -> ["user_", None]: the literal pieces, None where i goes."""
    out = []
    for k, piece in enumerate(s.split("{i}")):
        if k:
            out.append(None)
        if piece:
            out.append(piece)
    return out


# ---- emitters: a literal expression of the value, with i the event's number ----

def js(v) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join("%s: %s" % (json.dumps(k, ensure_ascii=False), js(x)) for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(js(x) for x in v) + "]"
    if isinstance(v, str) and "{i}" in v:
        return " + ".join(("i" if k else "String(i)") if p is None else json.dumps(p, ensure_ascii=False)
                          for k, p in enumerate(_split(v)))
    return json.dumps(v, ensure_ascii=False)


def py(v) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join("%r: %s" % (k, py(x)) for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(py(x) for x in v) + "]"
    if isinstance(v, str) and "{i}" in v:
        return "f" + repr(v.replace("{", "{{").replace("}", "}}").replace("{{i}}", "{i}"))
    return repr(v)


def _java_str(s: str) -> str:
    out = []
    for ch in s:
        o = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0x20 <= o < 0x7F:
            out.append(ch)
        else:  # \u escapes (surrogate pairs above U+FFFF): the source stays ASCII
            for unit in ch.encode("utf-16-be").hex(" ", 2).split():
                out.append("\\u" + unit)
    return '"' + "".join(out) + '"'


class _Java:
    """Java builds each map or list in a method of its own: one huge method would be too
    big for the JIT (HotSpot does not compile methods over 8,000 bytes of bytecode)."""

    def __init__(self, prefix: str):
        self.prefix, self.methods = prefix, []

    def expr(self, v) -> str:
        if isinstance(v, (dict, list)):
            name = "%s%d" % (self.prefix, len(self.methods))
            self.methods.append(None)
            idx = len(self.methods) - 1
            if isinstance(v, dict):
                body = ["        Map<String, Object> m = new LinkedHashMap<>(%d);" % (len(v) * 4 // 3 + 1)]
                body += ["        m.put(%s, %s);" % (_java_str(k), self.expr(x)) for k, x in v.items()]
                body.append("        return m;")
                sig = "static Map<String, Object> %s(int i)" % name
            else:
                body = ["        List<Object> l = new ArrayList<>(%d);" % len(v)]
                body += ["        l.add(%s);" % self.expr(x) for x in v]
                body.append("        return l;")
                sig = "static List<Object> %s(int i)" % name
            self.methods[idx] = "    %s {\n%s\n    }" % (sig, "\n".join(body))
            return "%s(i)" % name
        if isinstance(v, bool):
            return "Boolean.TRUE" if v else "Boolean.FALSE"
        if isinstance(v, int):
            return "Integer.valueOf(%d)" % v
        if isinstance(v, float):
            return "Double.valueOf(%r)" % v
        if isinstance(v, str) and "{i}" in v:
            return " + ".join(("i" if k else "String.valueOf(i)") if p is None else _java_str(p)
                              for k, p in enumerate(_split(v)))
        if isinstance(v, str):
            return _java_str(v)
        raise TypeError(v)


def java() -> str:
    parts, cases_p, cases_e = [], [], []
    for name, shape in SHAPES.items():
        g = _Java(name + "_")
        top = g.expr(shape["properties"])
        parts += g.methods
        cases_p.append('            case "%s": return %s;' % (name, top))
        cases_e.append('            case "%s": return %s;' % (name, _java_str(shape["event"])))
    return """// Generated by bench/peers/shapes.py: do not edit. The events of ci/bench, built anew per call.
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class Shapes {
    private Shapes() {}

    static String userId(int i) {
        return "user_" + i;
    }

    static String event(String shape) {
        switch (shape) {
%s
            default: throw new IllegalArgumentException("unknown shape " + shape);
        }
    }

    static Map<String, Object> properties(String shape, int i) {
        switch (shape) {
%s
            default: throw new IllegalArgumentException("unknown shape " + shape);
        }
    }

%s
}
""" % ("\n".join(cases_e), "\n".join(cases_p), "\n\n".join(parts))


def write(outdir: str) -> None:
    os.makedirs(outdir, exist_ok=True)
    for name, shape in SHAPES.items():
        assert shape["userId"] == "user_{i}", "the runners build userId as user_<i>"
    js_src = ["// Generated by bench/peers/shapes.py: do not edit. The events of ci/bench, built anew per call.",
              "'use strict';", "module.exports = {"]
    for name, shape in SHAPES.items():
        js_src.append("  %s: (i) => (%s)," % (name, js(shape)))
    js_src.append("};")
    py_src = ["# Generated by bench/peers/shapes.py: do not edit. The events of ci/bench, built anew per call:",
              "# build(i) -> (user_id, event, properties).", "BUILD = {"]
    for name, shape in SHAPES.items():
        py_src.append("    %r: lambda i: (%s, %r, %s)," % (name, py(shape["userId"]), shape["event"], py(shape["properties"])))
    py_src.append("}")
    files = {"shapes_gen.js": "\n".join(js_src) + "\n", "shapes_gen.py": "\n".join(py_src) + "\n", "Shapes.java": java(),
             "shapes.json": json.dumps({n: {"template": s, "bytes": size(n), "title": TITLES[n]} for n, s in SHAPES.items()},
                                       ensure_ascii=False, indent=1)}
    for name, shape in SHAPES.items():  # the C runner's template: compact JSON text with {i} in it
        files[name + ".txt"] = json.dumps(shape, ensure_ascii=False, separators=(",", ":"))
    for fn, text in files.items():
        with open(os.path.join(outdir, fn), "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    write(sys.argv[1])
    for n in SHAPES:
        print("%-8s %6d bytes  %s" % (n, size(n), TITLES[n]))
