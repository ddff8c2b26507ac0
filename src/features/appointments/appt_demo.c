/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The demo's appointment booking: Lünen's Bürgerbüro with three types,
 * Monday to Friday mornings and two afternoons, bookable from tomorrow.
 * The counters and durations are illustrative, not the town's real ones
 * (data/demo/README.md).
 */
#include "features/appointments/appt.h"

#include "db/db.h"

struct demo_type {
	const char *slug, *name, *leika;
	int minutes, buffer;
};

static const struct demo_type demo_types[] = {
	{"personalausweis", "Personalausweis beantragen", "99008001012000", 15, 0},
	{"wohnsitz-anmelden", "Wohnsitz anmelden", "99115005104001", 15, 0},
	{"fuehrungszeugnis", "Führungszeugnis beantragen", "99049001001001", 10, 0},
};

static const struct {
	int weekday;
	const char *opens, *closes;
	int counters;
} demo_hours[] = {
	{1, "08:00", "12:30", 6}, {2, "08:00", "12:30", 6}, {2, "14:00", "16:00", 3},
	{3, "08:00", "12:00", 6}, {4, "08:00", "12:30", 6}, {4, "14:00", "18:00", 3},
	{5, "08:00", "12:00", 6},
};

#define N(v) (sizeof(v) / sizeof((v)[0]))

static const char LOCATION_SQL[] =
	"INSERT INTO appt_location (office_id, tenant_id, slot_minutes, lead_days) "
	"VALUES ($1, $2, 15, 1) ON CONFLICT (office_id) DO NOTHING";
static const char HOURS_SQL[] = "INSERT INTO appt_hours (office_id, weekday, opens, closes, "
				"counters) VALUES ($1, $2, $3, $4, $5)";
static const char TYPE_SQL[] =
	"INSERT INTO appt_type (tenant_id, slug, name, leika, minutes, buffer_minutes, position) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tenant_id, slug) DO NOTHING";
static const char LINK_SQL[] = "INSERT INTO appt_type_location (type_id, office_id) "
			       "SELECT id, $2 FROM appt_type WHERE tenant_id = $1 AND slug = $3 "
			       "ON CONFLICT (type_id, office_id) DO NOTHING";

static int
load(struct db *db, const struct tenant *t, int64_t office, struct err *e)
{
	int64_t n = 0;
	int rc = db_run(db, e, LOCATION_SQL, DB_INT(office), DB_INT(t->id));

	if (rc == 0)
		rc = db_int64(db, e, &n, "SELECT count(*) FROM appt_hours WHERE office_id = $1",
			      DB_INT(office));
	for (size_t i = 0; rc == 0 && n == 0 && i < N(demo_hours); i++)
		rc = db_run(db, e, HOURS_SQL, DB_INT(office), DB_INT(demo_hours[i].weekday),
			    DB_TEXT(demo_hours[i].opens), DB_TEXT(demo_hours[i].closes),
			    DB_INT(demo_hours[i].counters));
	for (size_t i = 0; rc == 0 && i < N(demo_types); i++) {
		const struct demo_type *d = &demo_types[i];

		rc = db_run(db, e, TYPE_SQL, DB_INT(t->id), DB_TEXT(d->slug), DB_TEXT(d->name),
			    DB_TEXT(d->leika), DB_INT(d->minutes), DB_INT(d->buffer),
			    DB_INT((int64_t)i));
		if (rc == 0)
			rc = db_run(db, e, LINK_SQL, DB_INT(t->id), DB_INT(office),
				    DB_TEXT(d->slug));
	}
	return rc;
}

int
appt_demo_load(struct db *db, const struct tenant *t, struct err *e)
{
	int64_t office;
	int rc = db_int64(db, e, &office,
			  "SELECT id FROM office WHERE tenant_id = $1 AND slug = 'buergerbuero'",
			  DB_INT(t->id));

	if (rc == ERR_NOTFOUND)
		return 0;
	if (rc)
		return rc;
	rc = db_begin(db, e);
	if (rc)
		return rc;
	return db_end(db, load(db, t, office, e), e);
}
