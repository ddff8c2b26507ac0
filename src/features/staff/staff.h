/* SPDX-License-Identifier: EUPL-1.2 */
/* staff: login and logout of town-hall staff. */
#ifndef RATHAUS_STAFF_H
#define RATHAUS_STAFF_H

#include "app/feature.h"

/* Login and logout; its job deletes expired sessions and rate-limit windows. */
extern const struct feature staff_feature;

#endif
