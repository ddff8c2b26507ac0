/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Demo offices and public holidays for `rathaus demo` and `rathaus import
 * holidays`.  The offices stand at each tenant's real address; their
 * opening hours are illustrative values, not the authorities' real hours
 * (data/demo/README.md says so too).
 */
#include "cli/cli.h"

#include "db/db.h"
#include "features/offices/office.h"
#include "tenant/tenant.h"

#include <stdio.h>
#include <string.h>

#define HM(h, m) ((h)*60 + (m))

static const struct office_rule buergerbuero_hours[] = {
	{1, HM(8, 0), HM(12, 30), ""}, {2, HM(8, 0), HM(12, 30), ""}, {2, HM(14, 0), HM(16, 0), ""},
	{3, HM(8, 0), HM(12, 0), ""},  {4, HM(8, 0), HM(12, 30), ""}, {4, HM(14, 0), HM(18, 0), ""},
	{5, HM(8, 0), HM(12, 0), ""},
};

static const struct office_rule standesamt_hours[] = {
	{1, HM(8, 30), HM(12, 0), ""}, {2, HM(8, 30), HM(12, 0), ""}, {3, HM(8, 30), HM(12, 0), ""},
	{4, HM(8, 30), HM(12, 0), ""}, {4, HM(14, 0), HM(17, 0), ""}, {5, HM(8, 30), HM(12, 0), ""},
};

static const struct office_rule zulassung_hours[] = {
	{1, HM(7, 30), HM(12, 0), ""},	{2, HM(7, 30), HM(12, 0), ""},
	{3, HM(7, 30), HM(12, 0), ""},	{4, HM(7, 30), HM(12, 0), ""},
	{4, HM(14, 0), HM(17, 30), ""}, {5, HM(7, 30), HM(12, 0), ""},
};

static const struct office_rule kreishaus_hours[] = {
	{1, HM(8, 0), HM(16, 0), ""}, {2, HM(8, 0), HM(16, 0), ""},  {3, HM(8, 0), HM(16, 0), ""},
	{4, HM(8, 0), HM(17, 0), ""}, {5, HM(8, 0), HM(12, 30), ""},
};

/* Civil-status services (Personenstandswesen) by LeiKa group or subgroup. */
static const char *const standesamt_keys[] = {
	"99027",    /* Geburt */
	"99059",    /* Eheschließung */
	"99079",    /* Lebenspartnerschaft */
	"99083",    /* Namensrecht */
	"99101004", /* Sterbeurkunde */
	"99101006", /* Sterbefall im Ausland */
	"99101011", /* Anzeige eines Sterbefalls */
	"99101012", /* Sterbefälle von Wehrmachtsangehörigen */
};

/* District services handled in the Kreishaus rather than at the Zulassungsstelle. */
static const char *const kreishaus_keys[] = {
	"99012", /* Bauen */
	"99063", /* Immissionsschutz */
	"99067", /* Jagd */
	"99090", /* Naturschutz */
	"99129", /* Wasserrecht */
};

#define N(v) (sizeof(v) / sizeof((v)[0]))
#define DEMO_ACCESS                                                                                \
	"Beispielangabe (Demo): stufenloser Zugang über den Haupteingang, Aufzug, "               \
	"barrierefreies WC."

struct demo_office {
	const char *slug, *name;
	const struct office_rule *rules;
	size_t n_rules;
	bool is_default, appointment_only;
	const char *const *claims;
	size_t n_claims;
};

static const struct demo_office municipal[] = {
	{"buergerbuero", "Bürgerbüro", buergerbuero_hours, N(buergerbuero_hours), true, false, NULL,
	 0},
	{"standesamt", "Standesamt", standesamt_hours, N(standesamt_hours), false, true,
	 standesamt_keys, N(standesamt_keys)},
};

static const struct demo_office district[] = {
	{"zulassungsstelle", "Straßenverkehrsamt – Zulassungsstelle", zulassung_hours,
	 N(zulassung_hours), true, false, NULL, 0},
	{"kreishaus", "Kreishaus", kreishaus_hours, N(kreishaus_hours), false, false,
	 kreishaus_keys, N(kreishaus_keys)},
};

void
cli_demo_office_init(struct office *o, const struct tenant *t, const char *slug, const char *name,
		     const char *access)
{
	*o = (struct office){
		.slug = slug,
		.name = name,
		.street = t->contact.street,
		.postal_code = t->contact.postal_code,
		.city = t->contact.city,
		.phone = t->contact.phone,
		.email = t->contact.email,
		.web = t->contact.web,
		.lat = "",
		.lon = "",
		.accessibility = access,
		.appointment_url = "",
	};
}

struct office_count {
	int total, changed, claimed;
};

static int
save_one(struct db *db, const struct tenant *t, const struct demo_office *d, struct office_count *c,
	 struct err *e)
{
	struct office o;
	bool ch = false;
	int added = 0, rc;

	cli_demo_office_init(&o, t, d->slug, d->name, DEMO_ACCESS);
	o.is_default = d->is_default;
	o.hours.rules = d->rules;
	o.hours.n_rules = d->n_rules;
	o.hours.appointment_only = d->appointment_only;
	rc = office_save(db, t, &o, &ch, e);
	if (rc == 0 && d->n_claims)
		rc = office_claim_services(db, t, o.id, d->claims, d->n_claims, &added, e);
	c->total++;
	c->changed += ch;
	c->claimed += added;
	return rc;
}

/* The demo offices of a tenant's kind; a Land has none. */
static int
save_tenant(struct db *db, const struct tenant *t, void *arg, struct err *e)
{
	bool is_kreis = t->kind == TENANT_KREIS || t->kind == TENANT_NETWORK;
	const struct demo_office *v = is_kreis ? district : municipal;
	size_t nv = t->kind == TENANT_LAND ? 0 : is_kreis ? N(district) : N(municipal);
	int rc = 0;

	for (size_t j = 0; rc == 0 && j < nv; j++)
		rc = save_one(db, t, &v[j], arg, e);
	return rc;
}

int
cli_demo_offices(struct db *db)
{
	struct office_count c = {0};
	struct err e = {0};
	int rc = db_begin(db, &e);

	if (rc == 0)
		rc = db_end(db, cli_each_tenant(db, save_tenant, &c, NULL, &e), &e);
	if (rc)
		return cli_status(CLI_FAIL, "demo", &e);
	printf("offices: %d read, %d new or changed, %d unchanged; %d services assigned\n", c.total,
	       c.changed, c.total - c.changed, c.claimed);
	return CLI_OK;
}

int
cli_import_holidays(struct db *db, const char *path)
{
	struct err e = {0};
	int added = 0, total = 0;

	if (office_import_holidays(db, path, &added, &total, &e))
		return cli_status(CLI_FAIL, "import", &e);
	printf("holidays: %d read, %d new or changed, %d unchanged or skipped\n", total, added,
	       total - added);
	return CLI_OK;
}
