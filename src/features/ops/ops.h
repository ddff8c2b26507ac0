/* SPDX-License-Identifier: EUPL-1.2 */
/* ops: /healthz, /metrics, static files and each tenant's theme stylesheet. */
#ifndef RATHAUS_OPS_H
#define RATHAUS_OPS_H

struct app;

void ops_register(struct app *app);

#endif
