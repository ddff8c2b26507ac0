/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The demo calendar of Lünen: 80 events over the two months after the load,
 * dated relative to it (day offsets), so the calendar is never empty.
 * Markets and club meetings recur weekly or monthly; council meetings,
 * concerts and club events happen once.  Names and times are illustrative,
 * not the town's real programme (data/demo/README.md).
 */
#include "features/events/ev_int.h"

#include "core/civil.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>

struct demo_ev {
	const char *title, *category;
	int day;		     /* days after the load */
	const char *start;	     /* "HH:MM", NULL: all day */
	int minutes;		     /* length; all day: extra days */
	const char *place, *address; /* office slug when address is NULL */
	const char *organiser;
	const char *price; /* NULL: free of charge */
	bool accessible;
	const char *rrule;
};

#define RATSSAAL "Rathaus, Ratssaal", "Willy-Brandt-Platz 1, 44532 Lünen"
#define THEATER "Heinz-Hilpert-Theater", "Kurt-Schumacher-Straße 41, 44532 Lünen"
#define MARKT "Marktplatz Lünen-Mitte", "Marktplatz, 44532 Lünen"
#define BUECHEREI "Stadtbücherei", "Lünen"
#define CITY "Stadt Lünen"

static const struct demo_ev DEMO[] = {
	{"Wochenmarkt Lünen-Mitte", "markt", 1, "07:00", 360, MARKT, CITY, NULL, true,
	 "FREQ=WEEKLY;BYDAY=TU,FR,SA"},
	{"Wochenmarkt Brambauer", "markt", 2, "07:00", 330, "Marktplatz Brambauer",
	 "Lünen-Brambauer", CITY, NULL, true, "FREQ=WEEKLY;BYDAY=WE"},
	{"Bauernmarkt am Rathaus", "markt", 3, "09:00", 300, "Willy-Brandt-Platz", "44532 Lünen",
	 CITY, NULL, true, "FREQ=MONTHLY;BYDAY=1SA"},
	{"Repair-Café", "verein", 4, "14:00", 180, "Bürgerhaus Lünen-Süd", "Lünen",
	 "Repair-Café Lünen e. V.", NULL, true, "FREQ=MONTHLY;BYDAY=-1SA"},
	{"Seniorentreff", "familie", 5, "15:00", 120, "Begegnungsstätte", "Lünen", "Seniorenbeirat",
	 NULL, true, "FREQ=MONTHLY;BYDAY=2WE"},
	{"Bürgersprechstunde des Bürgermeisters", "politik", 6, "16:00", 120, "buergerbuero", NULL,
	 CITY, NULL, true, "FREQ=MONTHLY;BYMONTHDAY=15"},
	{"Offener Lauftreff", "sport", 1, "18:30", 60, "Seepark Lünen", "Lünen", "LG Lünen", NULL,
	 false, "FREQ=WEEKLY;BYDAY=MO,TH"},
	{"Vorlesestunde für Kinder", "familie", 2, "16:00", 45, BUECHEREI, "Stadtbücherei", NULL,
	 true, "FREQ=WEEKLY;BYDAY=WE;COUNT=8"},
	{"Sitzung des Rates der Stadt", "politik", 9, "17:00", 180, RATSSAAL, CITY, NULL, true, ""},
	{"Haupt- und Finanzausschuss", "politik", 7, "17:00", 150, RATSSAAL, CITY, NULL, true, ""},
	{"Ausschuss für Stadtentwicklung", "politik", 14, "17:00", 150, RATSSAAL, CITY, NULL, true,
	 ""},
	{"Schulausschuss", "politik", 16, "16:30", 120, RATSSAAL, CITY, NULL, true, ""},
	{"Sozialausschuss", "politik", 21, "17:00", 120, RATSSAAL, CITY, NULL, true, ""},
	{"Bezirksvertretung Brambauer", "politik", 23, "17:00", 120, "Verwaltungsstelle Brambauer",
	 "Lünen-Brambauer", CITY, NULL, true, ""},
	{"Ausschuss für Umwelt und Klimaschutz", "politik", 28, "17:00", 120, RATSSAAL, CITY, NULL,
	 true, ""},
	{"Sitzung des Rates der Stadt (Haushalt)", "politik", 37, "17:00", 240, RATSSAAL, CITY,
	 NULL, true, ""},
	{"Jugendhilfeausschuss", "politik", 42, "16:00", 120, RATSSAAL, CITY, NULL, true, ""},
	{"Kulturausschuss", "politik", 49, "17:00", 120, RATSSAAL, CITY, NULL, true, ""},
};

/* Concerts, theatre and readings: one each, every few days. */
static const char *const CULTURE[] = {
	"Neujahrskonzert der Neuen Philharmonie Westfalen",
	"Jazz im Foyer: Quartett Ruhrgebiet",
	"Liederabend: Schubert und Schumann",
	"Musikschule Lünen: Konzert der Streicher",
	"Gospelchor Lünen: Winterkonzert",
	"Kammermusik im Schloss Schwansbell",
	"Big Band des Gymnasiums Altlünen",
	"Orgelkonzert in St. Marien",
	"Kabarett: Heimatabend mit Zugabe",
	"Komödie: Der nackte Wahnsinn",
	"Figurentheater für Kinder: Der Grüffelo",
	"Lesung: Krimis aus dem Revier",
	"Poetry Slam im Lükaz",
	"Blasorchester Lünen: Frühjahrskonzert",
	"Akustik-Abend: Singer-Songwriter",
	"Tanztheater: Bewegte Stadt",
	"Filmabend: Lünen in alten Bildern",
	"Klavierabend mit Preisträgern",
	"Chorfestival der Lüner Chöre",
	"Rockkonzert: Bands aus Lünen",
	"Theater für Schulklassen: Emil und die Detektive",
	"Lesung: Geschichte des Bergbaus in Lünen",
};

/* Club and neighbourhood events: one each. */
static const char *const CLUBS[] = {
	"Jahreshauptversammlung des Heimatvereins",
	"Vereinsmeisterschaft im Tischtennis",
	"Hallenfußballturnier der Jugend",
	"Winterwanderung mit dem Sauerländischen Gebirgsverein",
	"Kleiderbörse für Kinderkleidung",
	"Tag der offenen Tür der Freiwilligen Feuerwehr",
	"Schachturnier im Bürgerhaus",
	"Obst- und Gartenbauverein: Baumschnittkurs",
	"Spielenachmittag für Familien",
	"Blutspende beim Roten Kreuz",
	"Kaninchenzüchter: Lokalschau",
	"Stadtteilfest Gahmen",
	"Mitgliederversammlung des Sportvereins",
	"Judo: Gürtelprüfung und Schnuppertraining",
	"Karnevalssitzung der Lüner Jecken",
	"Skatturnier des Bürgerschützenvereins",
	"Naturschutzbund: Vogelzählung am Seepark",
	"Fotoclub: Ausstellungseröffnung",
	"Heimatverein: Führung durch die Altstadt",
	"Bürgerbusverein: Informationsabend",
	"Trödelmarkt am Bahnhof",
	"Schwimmfest für Kinder",
	"Reitverein: Hallenturnier",
	"Kochkurs: Westfälische Küche",
	"Vortrag: Energie sparen im Eigenheim",
	"Computersprechstunde für Ältere",
	"Frauenchor: Offene Probe",
	"Radtour entlang der Lippe",
	"Gedenkveranstaltung am Mahnmal",
	"Informationsabend zur Schulanmeldung",
	"Sprachcafé für Zugewanderte",
	"Flohmarkt rund ums Kind",
	"Ehrenamtsbörse im Rathaus",
	"Selbsthilfegruppe: Offener Abend",
	"Stadtführung: Lünen im Mittelalter",
	"Vortrag: Die Lippe als Lebensraum",
	"Kinderdisco im Jugendzentrum",
	"Turnverein: Weihnachtsturnen",
	"Lichterfest im Stadtpark",
	"Seniorenwanderung zum Cappenberger See",
};

#define N(v) (sizeof(v) / sizeof((v)[0]))

static const char *
local(int64_t day, const char *hhmm, char *out)
{
	struct civil_local l;

	civil_day(day, &l);
	snprintf(out, 32, "%04d-%02d-%02dT%s", l.year % 10000, l.month % 100, l.day % 100, hhmm);
	return out;
}

static int
add(struct db *db, const struct tenant *t, const struct demo_ev *d, int64_t today, int64_t now,
    const char *slug, struct err *e)
{
	char s[32], en[32], hhmm[8];
	int start = d->start ? civil_parse_time(d->start) : 0, end = start + d->minutes;
	bool added = false;
	struct ev_event ev = {
		.slug = slug,
		.title = d->title,
		.summary = d->title,
		.description = "Eine Veranstaltung des Demo-Kalenders. Angaben **ohne Gewähr**.",
		.office_slug = d->address ? "" : d->place,
		.location_name = d->address ? d->place : "",
		.location_address = d->address ? d->address : "",
		.organiser = d->organiser ? d->organiser : "",
		.price = d->price ? d->price : "",
		.is_free = d->price == NULL,
		.accessible = d->accessible,
		.accessibility = d->accessible ? "Stufenloser Zugang, barrierefreies WC." : "",
		.category = d->category,
		.image_file = "",
		.image_alt = "",
	};
	int rc = ev_draft_add(db, t, slug, d->title, now, &added, e);

	if (rc || !added)
		return rc;
	ev.when.all_day = d->start == NULL;
	ev.when.starts = local(today + d->day, d->start ? d->start : "00:00", s);
	civil_format_time(end % 1440, hhmm);
	ev.when.ends = local(today + d->day + (d->start ? end / 1440 : d->minutes),
			     d->start ? hhmm : "00:00", en);
	ev.when.rrule = d->rrule ? d->rrule : "";
	ev.when.exdates = "";
	return ev_publish(db, t, &ev, now, e);
}

static const char *
demo_slug(struct arena *a, const char *title)
{
	const char *s = title;
	static const char *const UML[][2] = {{"ä", "ae"}, {"ö", "oe"}, {"ü", "ue"}, {"ß", "ss"},
					     {"Ä", "ae"}, {"Ö", "oe"}, {"Ü", "ue"}};
	char *out = arena_alloc(a, strlen(title) * 2 + 1), *o = out;

	for (const char *p = s; *p && o - out < 70;) {
		size_t i = 0;

		while (i < N(UML) && strncmp(p, UML[i][0], strlen(UML[i][0])) != 0)
			i++;
		if (i < N(UML)) {
			o = stpcpy(o, UML[i][1]);
			p += strlen(UML[i][0]);
		} else if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) {
			*o++ = *p++;
		} else if (*p >= 'A' && *p <= 'Z') {
			*o++ = (char)(*p++ - 'A' + 'a');
		} else {
			if (o > out && o[-1] != '-')
				*o++ = '-';
			p++;
		}
	}
	while (o > out && o[-1] == '-')
		o--;
	*o = '\0';
	return out;
}

int
ev_demo_load(struct db *db, const struct tenant *t, int64_t now, struct err *e)
{
	static const char *const VENUES[][2] = {
		{THEATER}, {BUECHEREI}, {"Lükaz", "Lünen"}, {"Schloss Schwansbell", "Lünen"}};
	struct civil_local today;
	struct arena a;
	int rc;

	civil_local_at(now, &today);
	arena_init(&a);
	rc = db_begin(db, e);
	for (size_t i = 0; rc == 0 && i < N(DEMO); i++)
		rc = add(db, t, &DEMO[i], today.days, now, demo_slug(&a, DEMO[i].title), e);
	for (size_t i = 0; rc == 0 && i < N(CULTURE); i++) {
		const char *const *v = VENUES[i % N(VENUES)];
		struct demo_ev d = {CULTURE[i],
				    i % 3 ? "musik" : "kultur",
				    2 + (int)(i * 57 / N(CULTURE)),
				    i % 2 ? "19:30" : "20:00",
				    120,
				    v[0],
				    v[1],
				    "Kulturbüro Lünen",
				    i % 4 == 3 ? NULL : "12,00 € (ermäßigt 8,00 €)",
				    i % 4 != 1,
				    ""};

		rc = add(db, t, &d, today.days, now, demo_slug(&a, d.title), e);
	}
	for (size_t i = 0; rc == 0 && i < N(CLUBS); i++) {
		struct demo_ev d = {CLUBS[i],
				    i % 5 == 1	 ? "sport"
				    : i % 5 == 3 ? "bildung"
						 : "verein",
				    1 + (int)(i * 59 / N(CLUBS)),
				    i % 6 == 5 ? NULL : "15:00",
				    i % 6 == 5 ? 1 : 150,
				    "Bürgerhaus Lünen-Süd",
				    "Lünen",
				    "Lüner Vereine",
				    i % 3 == 2 ? "3,00 €" : NULL,
				    i % 2 == 0,
				    ""};

		rc = add(db, t, &d, today.days, now, demo_slug(&a, d.title), e);
	}
	rc = db_end(db, rc, e);
	arena_release(&a);
	return rc;
}
