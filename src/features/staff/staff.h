/* SPDX-License-Identifier: EUPL-1.2 */
/* staff: login and logout of town-hall staff. */
#ifndef RATHAUS_STAFF_H
#define RATHAUS_STAFF_H

struct app;

void staff_register(struct app *app);

#endif
