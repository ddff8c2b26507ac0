/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The features of the portal, in the order they are initialised.  A new
 * feature is one folder with a header that declares its struct feature
 * (app/feature.h), plus one line here.
 *
 * src/features/regions/ is not listed: it is a library of municipalities
 * and postal codes that the finder (and later the forms) use, with no
 * routes of its own.
 */
#include "app/feature.h"

#include "features/account/account.h"
#include "features/appointments/appt.h"
#include "features/catalog/catalog.h"
#include "features/courses/courses.h"
#include "features/editor/editor.h"
#include "features/events/events.h"
#include "features/finder/finder.h"
#include "features/forms/forms.h"
#include "features/home/home.h"
#include "features/news/news.h"
#include "features/offices/office.h"
#include "features/ops/ops.h"
#include "features/reports/reports.h"
#include "features/search/search.h"
#include "features/settings/settings.h"
#include "features/staff/staff.h"

const struct feature *const features[] = {
	&ops_feature,	   &catalog_feature, &offices_feature, &home_feature,
	&search_feature,   &finder_feature,  &staff_feature,   &editor_feature,
	&settings_feature, &appt_feature,    &forms_feature,   &news_feature,
	&events_feature,   &account_feature, &reports_feature, &courses_feature,
};

const size_t features_n = sizeof(features) / sizeof(features[0]);
