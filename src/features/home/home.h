/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * home: the installation index (which portals live here), each tenant's home
 * page, and the pages every German portal must have: Impressum,
 * Datenschutz and the accessibility statement (BITV 2.0 section 7).
 */
#ifndef RATHAUS_HOME_H
#define RATHAUS_HOME_H

#include "app/feature.h"

extern const struct feature home_feature;

#endif
