/* SPDX-License-Identifier: EUPL-1.2 */
/* ops: /healthz, /metrics, static files and each tenant's theme stylesheet. */
#ifndef RATHAUS_OPS_H
#define RATHAUS_OPS_H

#include "app/feature.h"

extern const struct feature ops_feature;

#endif
