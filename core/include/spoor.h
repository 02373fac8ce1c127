/* spoor.h: the umbrella header of libspoor, the server-side event tracking core.
 *
 * Include this one file. Every public name starts with spoor_ / SPOOR_.
 * See README.md for a tour and docs/configuration.md for every setting. */
#ifndef SPOOR_H
#define SPOOR_H

#include "spoor/common.h"
#include "spoor/version.h"
#include "spoor/errors.h"
#include "spoor/config.h"
#include "spoor/client.h"

#endif
