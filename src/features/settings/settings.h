/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * settings: the tenant admin's settings page /verwaltung/einstellungen
 * (typed settings of tenant.h, the tenant logo) and the public files of a
 * tenant under /dateien/<id> (files.h).
 */
#ifndef RATHAUS_SETTINGS_H
#define RATHAUS_SETTINGS_H

#include "app/feature.h"

extern const struct feature settings_feature;

#endif
