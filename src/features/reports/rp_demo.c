/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The demo's defect reports in Lünen: eight categories and 30 reports at
 * real streets of the town, dated back from the moment the demo is loaded,
 * in every state.  Streets and districts are real; the reports, their
 * coordinates (rounded near the street) and the contacts (example.org) are
 * made up (data/demo/README.md).
 */
#include "features/reports/reports.h"

#include "db/db.h"

#include <stdio.h>
#include <string.h>

#define N(v) (sizeof(v) / sizeof((v)[0]))
#define DAY 86400

struct demo_category {
	const char *code, *name, *description, *group, *keywords, *attributes;
};

static const struct demo_category categories[] = {
	{"strassenbeleuchtung", "Straßenbeleuchtung",
	 "Eine Straßenlaterne leuchtet nicht, flackert oder brennt am Tag.", "Straßen und Verkehr",
	 "Laterne, Licht, Lampe",
	 "[{\"variable\":true,\"code\":\"mast\",\"datatype\":\"string\",\"required\":false,"
	 "\"datatype_description\":\"Die Nummer steht auf einem Schild am Mast.\",\"order\":1,"
	 "\"description\":\"Nummer am Mast\"},"
	 "{\"variable\":true,\"code\":\"fehler\",\"datatype\":\"singlevaluelist\","
	 "\"required\":true,\"datatype_description\":null,\"order\":2,"
	 "\"description\":\"Was ist zu sehen?\",\"values\":[{\"key\":\"aus\",\"name\":"
	 "\"Leuchtet nicht\"},{\"key\":\"flackert\",\"name\":\"Flackert\"},{\"key\":\"tag\","
	 "\"name\":\"Brennt am Tag\"}]}]"},
	{"strassenschaden", "Schlagloch und Straßenschaden",
	 "Schlaglöcher, Risse, lose Gehwegplatten oder abgesackte Kanaldeckel.",
	 "Straßen und Verkehr", "Schlagloch, Gehweg, Radweg, Kanaldeckel",
	 "[{\"variable\":true,\"code\":\"lage\",\"datatype\":\"singlevaluelist\","
	 "\"required\":true,\"datatype_description\":null,\"order\":1,"
	 "\"description\":\"Wo ist der Schaden?\",\"values\":[{\"key\":\"fahrbahn\",\"name\":"
	 "\"Fahrbahn\"},{\"key\":\"radweg\",\"name\":\"Radweg\"},{\"key\":\"gehweg\","
	 "\"name\":\"Gehweg\"}]}]"},
	{"wilder-muell", "Wilder Müll", "Abgestellter Sperrmüll, Bauschutt, Altreifen oder Säcke.",
	 "Sauberkeit", "Sperrmüll, Müll, Abfall, Ablagerung",
	 "[{\"variable\":true,\"code\":\"art\",\"datatype\":\"multivaluelist\","
	 "\"required\":false,\"datatype_description\":null,\"order\":1,"
	 "\"description\":\"Was liegt dort?\",\"values\":[{\"key\":\"sperrmuell\",\"name\":"
	 "\"Sperrmüll\"},{\"key\":\"bauschutt\",\"name\":\"Bauschutt\"},{\"key\":\"elektro\","
	 "\"name\":\"Elektrogeräte\"},{\"key\":\"reifen\",\"name\":\"Altreifen\"},"
	 "{\"key\":\"sonstiges\",\"name\":\"Sonstiges\"}]}]"},
	{"graffiti", "Graffiti", "Schmierereien an öffentlichen Gebäuden, Brücken und Schildern.",
	 "Sauberkeit", "Schmiererei, Sprayer, Tag",
	 "[{\"variable\":true,\"code\":\"anstoessig\",\"datatype\":\"singlevaluelist\","
	 "\"required\":true,\"datatype_description\":\"Beleidigende oder verfassungsfeindliche "
	 "Inhalte entfernen wir zuerst.\",\"order\":1,\"description\":\"Ist der Inhalt "
	 "anstößig?\",\"values\":[{\"key\":\"ja\",\"name\":\"Ja\"},{\"key\":\"nein\","
	 "\"name\":\"Nein\"}]}]"},
	{"spielplatz", "Spielplätze",
	 "Defekte Spielgeräte, Scherben oder Verschmutzung auf Spielplätzen.", "Grün und Freizeit",
	 "Spielgerät, Schaukel, Rutsche, Sandkasten",
	 "[{\"variable\":true,\"code\":\"geraet\",\"datatype\":\"string\",\"required\":false,"
	 "\"datatype_description\":null,\"order\":1,\"description\":\"Welches Spielgerät?\"}]"},
	{"gruen", "Grünflächen und Bäume",
	 "Umgestürzte Bäume, herabhängende Äste, zugewachsene Wege und Schäden in Parks.",
	 "Grün und Freizeit", "Baum, Ast, Hecke, Park, Rasen", "[]"},
	{"verkehrszeichen", "Verkehrszeichen und Ampeln",
	 "Beschädigte, verdrehte oder fehlende Schilder, gestörte Ampeln, verblasste Markierungen.",
	 "Straßen und Verkehr", "Schild, Ampel, Markierung, Poller",
	 "[{\"variable\":true,\"code\":\"art\",\"datatype\":\"singlevaluelist\","
	 "\"required\":true,\"datatype_description\":null,\"order\":1,"
	 "\"description\":\"Was ist betroffen?\",\"values\":[{\"key\":\"schild\",\"name\":"
	 "\"Verkehrsschild\"},{\"key\":\"ampel\",\"name\":\"Ampel\"},{\"key\":\"markierung\","
	 "\"name\":\"Fahrbahnmarkierung\"}]}]"},
	{"stadtmobiliar", "Bänke, Papierkörbe und öffentliche Toiletten",
	 "Kaputte Bänke, volle Papierkörbe und Mängel an öffentlichen Toiletten.", "Sauberkeit",
	 "Bank, Papierkorb, Toilette, WC", "[]"},
};

/* A status path: r received, i in progress, d done, x rejected, f forwarded. */
struct demo_report {
	int cat, days_ago, minute;
	const char *path, *street, *plz;
	int lat_e4, lon_e4;
	const char *text, *public_text; /* public_text NULL: not yet approved */
	const char *contact;		/* "Name|email" or NULL */
};

#define SAME "="
#define DEMO_KEY_NAME "Demo-App"

static const struct demo_report reports[] = {
	{1, 88, 545, "rid", "Lange Straße 45", "44532", 516159, 75254,
	 "Tiefes Schlagloch vor dem Schuhgeschäft, Radfahrer müssen ausweichen.", SAME, NULL},
	{0, 85, 1250, "rid", "Kurt-Schumacher-Straße 12", "44532", 516120, 75285,
	 "Die Laterne vor Haus 12 ist seit Tagen dunkel.", SAME,
	 "Erika Mustermann|erika.mustermann@example.org"},
	{2, 81, 470, "rid", "Waltroper Straße 100", "44536", 515890, 74420,
	 "Am Parkplatz liegen ein Sofa und mehrere Müllsäcke.", SAME, NULL},
	{3, 77, 610, "rx", "Bäckerstraße 8", "44532", 516165, 75240, "Graffiti am Stromkasten.",
	 SAME, NULL},
	{6, 74, 720, "rf", "Borker Straße 100", "44534", 516290, 75120,
	 "Vorfahrtsschild an der Kreuzung ist umgeknickt.", SAME,
	 "Max Meier|max.meier@example.org"},
	{4, 70, 900, "rid", "Zwolle-Allee", "44532", 516050, 75680,
	 "Am Spielplatz im Seepark ist die Kette einer Schaukel gerissen.", SAME, NULL},
	{5, 66, 420, "rid", "Schwansbeller Weg", "44532", 516160, 75390,
	 "Nach dem Sturm hängt ein großer Ast über dem Fußweg.", SAME, NULL},
	{7, 61, 780, "rid", "Willy-Brandt-Platz", "44532", 516137, 75250,
	 "Die Bank vor dem Rathaus hat eine gebrochene Latte.", SAME, NULL},
	{1, 57, 500, "rf", "Cappenberger Straße 60", "44534", 516300, 75400,
	 "Absackung am Fahrbahnrand, Höhe Bushaltestelle.", SAME,
	 "Ayşe Yılmaz|ayse.yilmaz@example.org"},
	{0, 53, 1320, "rid", "Yorckstraße 20", "44536", 515850, 74470,
	 "Zwei Laternen hintereinander flackern die ganze Nacht.", SAME, NULL},
	{2, 49, 560, "rid", "Alstedder Straße 150", "44534", 516400, 75000,
	 "Bauschutt am Feldweg abgekippt, etwa zwei Kubikmeter.", SAME, NULL},
	{3, 45, 830, "rid", "Münsterstraße 90", "44534", 516250, 75270,
	 "Großflächige Schmiererei an der Unterführung.", SAME, NULL},
	{6, 41, 465, "rx", "Viktoriastraße 20", "44532", 516110, 75210,
	 "Ampel zeigt zu kurz Grün für Fußgänger.", "Ampel zeigt zu kurz Grün für Fußgänger.",
	 NULL},
	{5, 38, 600, "ri", "Horstmarer Straße 50", "44532", 516060, 75600,
	 "Hecke ragt weit in den Gehweg, mit Kinderwagen kommt man nicht vorbei.", SAME, NULL},
	{1, 34, 690, "ri", "Preußenstraße 60", "44532", 515990, 75330,
	 "Gehwegplatten heben sich durch Baumwurzeln, Stolpergefahr.", SAME,
	 "Jan de Vries|jan.devries@example.org"},
	{4, 31, 960, "ri", "Königsheide 30", "44536", 515860, 74390,
	 "Rutsche hat einen Riss in der Bahn, Kinder können sich verletzen.", SAME, NULL},
	{7, 28, 740, "rid", "Zwolle-Allee", "44532", 516040, 75660,
	 "Die öffentliche Toilette am Seepark ist seit dem Wochenende verschlossen.", SAME, NULL},
	{0, 25, 1290, "ri", "Gahmener Straße 150", "44532", 516010, 75420,
	 "Laterne brennt auch tagsüber.", SAME, NULL},
	{2, 22, 510, "ri", "Zechenstraße 40", "44536", 515870, 74600,
	 "Altreifen und ein Kühlschrank hinter dem Glascontainer.", SAME,
	 "Lena Schulz|lena.schulz@example.org"},
	{6, 19, 450, "rif", "Kreisstraße 40", "44532", 515930, 75780,
	 "Ortseingangsschild Niederaden ist verdreht.", SAME, NULL},
	{3, 16, 660, "ri", "Jägerstraße 30", "44532", 516030, 75200,
	 "Beleidigender Schriftzug an der Bushaltestelle gesprüht.", SAME, NULL},
	{5, 13, 820, "r", "Brechtener Straße 50", "44536", 515780, 74520,
	 "Baum an der Straße hat viele trockene Äste.", SAME, NULL},
	{1, 11, 475, "r", "Münsterstraße 12", "44534", 516200, 75260,
	 "Kanaldeckel klappert laut bei jeder Überfahrt, Herr Becker aus Nr. 14 kann nicht "
	 "schlafen.",
	 "Kanaldeckel klappert laut bei jeder Überfahrt.", "Tom Becker|tom.becker@example.org"},
	{7, 9, 530, "r", "Lange Straße 20", "44532", 516150, 75262,
	 "Papierkorb quillt über, Möwen verteilen den Müll.", SAME, NULL},
	{0, 7, 1340, "r", "Holtgrevenstraße 10", "44534", 516330, 75310, "Ganze Straße ohne Licht.",
	 SAME, NULL},
	{2, 5, 610, "r", "Moltkestraße 3", "44532", 516100, 75180,
	 "Matratze und Teppich am Straßenrand.", NULL, "Peter Wolf|peter.wolf@example.org"},
	{4, 4, 1000, "r", "Zechenstraße 12", "44536", 515880, 74620, "Scherben im Sandkasten.",
	 NULL, NULL},
	{6, 3, 455, "r", "Kurt-Schumacher-Straße 40", "44532", 516100, 75300,
	 "Fahrbahnmarkierung am Zebrastreifen kaum noch zu sehen.", NULL, NULL},
	{5, 2, 700, "r", "Borker Straße 20", "44534", 516230, 75190,
	 "Umgestürzter Baum blockiert den Radweg an der Lippe.", NULL,
	 "Sabine Krüger|sabine.krueger@example.org"},
	{3, 1, 580, "r", "Cappenberger Straße 5", "44534", 516210, 75320,
	 "Neue Schmiererei an der Lippebrücke, Tel. 0231 123456.", NULL, NULL},
};

static const char *const notes[] = {
	['r'] = "",
	['i'] = "Wir kümmern uns darum; der Auftrag ist vergeben.",
	['d'] = "Der Mangel ist behoben. Vielen Dank für den Hinweis.",
	['x'] = "Vor Ort war kein Mangel festzustellen.",
	['f'] = "Zuständig ist der Kreis Unna als Baulastträger; wir haben die Meldung dorthin "
		"weitergeleitet.",
};

static const char *
status_of(char c)
{
	switch (c) {
	case 'i':
		return "in_progress";
	case 'd':
		return "done";
	case 'x':
		return "rejected";
	case 'f':
		return "forwarded";
	default:
		return "received";
	}
}

static const char CATEGORY_SQL[] =
	"INSERT INTO report_category (tenant_id, code, name, description, grp, keywords, "
	"attributes, position) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
	"ON CONFLICT (tenant_id, code) DO NOTHING";
static const char REPORT_SQL[] =
	"INSERT INTO report (tenant_id, number, category_id, status, description, public_text, "
	"street, postal_code, place, lat_e6, lon_e6, contact_name, contact_email, consent_at, "
	"created_at, updated_at) SELECT $1, $2, id, $3, $4, $5, $6, $7, 'Lünen', $8, $9, $10, "
	"$11, $12, $13, $14 FROM report_category WHERE tenant_id = $1 AND code = $15";
static const char STATUS_SQL[] =
	"INSERT INTO report_status (report_id, status, note, created_at) "
	"SELECT id, $3, $4, $5 FROM report WHERE tenant_id = $1 AND number = $2";

static const char ROUTE_SQL[] =
	"INSERT INTO report_route (tenant_id, office_id) SELECT $1, id FROM office "
	"WHERE tenant_id = $1 AND slug = 'buergerbuero'";

static int
load_report(struct db *db, const struct tenant *t, int64_t number, const struct demo_report *d,
	    int64_t now, struct err *e)
{
	int64_t created = now - (int64_t)d->days_ago * DAY + (int64_t)d->minute * 60 - 12 * 3600;
	int64_t steps = (int64_t)strlen(d->path), span = (now - created) / (steps + 1),
		at = created;
	const char *bar = d->contact ? strchr(d->contact, '|') : NULL;
	char name[64] = "";
	int rc;

	if (span > 3 * DAY)
		span = 3 * DAY;
	if (bar)
		snprintf(name, sizeof(name), "%.*s", (int)(bar - d->contact), d->contact);
	rc = db_run(db, e, REPORT_SQL, DB_INT(t->id), DB_INT(number),
		    DB_TEXT(status_of(d->path[steps - 1])), DB_TEXT(d->text),
		    DB_TEXT(d->public_text && strcmp(d->public_text, SAME) == 0 ? d->text
										: d->public_text),
		    DB_TEXT(d->street), DB_TEXT(d->plz), DB_INT((int64_t)d->lat_e4 * 100),
		    DB_INT((int64_t)d->lon_e4 * 100), DB_TEXT(name), DB_TEXT(bar ? bar + 1 : ""),
		    bar ? DB_INT(created) : DB_NULL, DB_INT(created),
		    DB_INT(created + (steps - 1) * span), DB_TEXT(categories[d->cat].code));
	for (int64_t i = 0; rc == 0 && i < steps; i++, at += span)
		rc = db_run(db, e, STATUS_SQL, DB_INT(t->id), DB_INT(number),
			    DB_TEXT(status_of(d->path[i])),
			    DB_TEXT(notes[(unsigned char)d->path[i]]), DB_INT(at));
	return rc;
}

static int
load_categories(struct db *db, const struct tenant *t, struct err *e)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < N(categories); i++) {
		const struct demo_category *c = &categories[i];

		rc = db_run(db, e, CATEGORY_SQL, DB_INT(t->id), DB_TEXT(c->code), DB_TEXT(c->name),
			    DB_TEXT(c->description), DB_TEXT(c->group), DB_TEXT(c->keywords),
			    DB_TEXT(c->attributes), DB_INT((int64_t)i));
	}
	return rc;
}

static int
load(struct db *db, const struct tenant *t, int64_t now, struct err *e)
{
	int64_t n = 0;
	int rc = load_categories(db, t, e);

	if (rc == 0)
		rc = db_int64(db, e, &n, "SELECT count(*) FROM report WHERE tenant_id = $1",
			      DB_INT(t->id));
	if (rc || n > 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < N(reports); i++)
		rc = load_report(db, t, (int64_t)i + 1, &reports[i], now, e);
	if (rc == 0) /* new reports go to the Bürgerbüro until staff set up routes */
		rc = db_run(db, e, ROUTE_SQL, DB_INT(t->id));
	if (rc == 0)
		rc = tenant_setting_save(db, t, TSET_FEATURE_DEFECTS, "1", 0, now, e);
	return rc;
}

int
rp_demo_load(struct db *db, const struct tenant *t, int64_t now, struct err *e)
{
	int rc = db_begin(db, e);

	if (rc)
		return rc;
	return db_end(db, load(db, t, now, e), e);
}

/*
 * The portal network Landkreis Lüneburg takes reports and hands those of a
 * member's place to it (rp_target_find()); Hansestadt Lüneburg takes them
 * too, at its Bürgerbüro.  Both with the same categories, no reports.
 */
static int
load_network(struct db *db, int64_t now, struct err *e)
{
	static const char *const slugs[] = {"landkreis-lueneburg", "hansestadt-lueneburg"};
	struct arena a;
	int rc = 0;

	arena_init(&a);
	for (size_t i = 0; rc == 0 && i < N(slugs); i++) {
		struct tenant *t;

		rc = tenant_find_by_slug(db, slugs[i], &a, &t, e);
		if (rc == ERR_NOTFOUND) {
			rc = 0;
			continue;
		}
		rc = rc ? rc : load_categories(db, t, e);
		/* A route of the network would keep its reports from the members. */
		if (rc == 0 && t->kind != TENANT_NETWORK)
			rc = db_run(db, e,
				    "INSERT INTO report_route (tenant_id, office_id) SELECT $1, id "
				    "FROM "
				    "office WHERE tenant_id = $1 AND slug = 'buergerbuero' AND NOT "
				    "EXISTS (SELECT 1 FROM report_route WHERE tenant_id = $1)",
				    DB_INT(t->id));
		if (rc == 0)
			rc = tenant_setting_save(db, t, TSET_FEATURE_DEFECTS, "1", 0, now, e);
	}
	arena_release(&a);
	return rc;
}

int
rp_demo_network(struct db *db, int64_t now, struct err *e)
{
	int rc = db_begin(db, e);

	if (rc)
		return rc;
	return db_end(db, load_network(db, now, e), e);
}

int
rp_demo_key(struct db *db, const struct tenant *t, int64_t now, char key[44], bool *issued,
	    struct err *e)
{
	int64_t n = 0;
	int rc = db_int64(db, e, &n,
			  "SELECT count(*) FROM report_api_key WHERE tenant_id = $1 AND name = $2",
			  DB_INT(t->id), DB_TEXT(DEMO_KEY_NAME));

	*issued = rc == 0 && n == 0;
	return *issued ? rp_key_issue(db, t, DEMO_KEY_NAME, 0, now, key, e) : rc;
}
