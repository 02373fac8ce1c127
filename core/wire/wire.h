/* wire.h: the wire rules, the part of the core that the collector shares.
 *
 * What a client checks before it sends and a collector checks when it receives
 * must be one implementation, or the two sides drift apart. These are those
 * rules, built from the core's own files into the static library spoor_wire
 * (core/CMakeLists.txt): an event's validation and the schema rules
 * (validate.c), bounded JSON parsing (json.c), request signing (sign.c),
 * ISO-8601 timestamps (timefmt.c) and UTF-8 well-formedness (utf8.h); and, in
 * this folder, the rules of Segment's format (segment.c). This header (with
 * segment.h, which it includes) is all that spoor_wire makes visible: a program
 * linked with it can include nothing else of core/src. json.c also holds the client's event writer,
 * which comes along; the collector does not use it. */
#ifndef SPOOR_WIRE_H
#define SPOOR_WIRE_H

#include "../src/json.h"
#include "../src/sign.h"
#include "../src/timefmt.h"
#include "../src/utf8.h"
#include "../src/validate.h"
#include "segment.h"

#endif
