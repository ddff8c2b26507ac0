/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The demo courses of Lünen: ten courses of the VHS, the city's tourist
 * office and an aid organisation, with sessions dated relative to the load
 * (days after it), so the list is never empty.  Registration opened a week
 * before the load and closes the day before the first session; the
 * photography course opens its registration only in ten days.  Names,
 * fees and places are illustrative, not the real programme.
 */
#include "features/courses/crs_int.h"

#include "core/civil.h"
#include "db/db.h"

#include <stdio.h>

struct demo_crs {
	const char *slug, *title, *category, *provider;
	int fee_cents, capacity;
	int day, every, count; /* first session: days after the load; days between; sessions */
	const char *start;     /* "HH:MM" local time */
	int minutes;
	const char *place, *address, *summary, *description;
	int opens_in; /* days after the load when registration opens (negative: before) */
};

#define VHS "VHS Lünen"
#define VHS_HAUS "VHS-Haus Lünen", "Kirchstraße 23, 44532 Lünen"
#define TOURIST "Stadtmarketing Lünen"

static const struct demo_crs DEMO[] = {
	{"englisch-a1-abendkurs", "Englisch A1 – Abendkurs für Einsteiger", "sprache", VHS, 8900,
	 16, 5, 7, 10, "18:00", 90, VHS_HAUS,
	 "Englisch von Anfang an: sich vorstellen, einkaufen, nach dem Weg fragen.",
	 "Der Kurs richtet sich an Teilnehmende **ohne Vorkenntnisse**.\n\n"
	 "- Lehrbuch: wird im ersten Termin besprochen\n- Niveau: A1 des GER\n",
	 -7},
	{"spanisch-a2-konversation", "Spanisch A2 – Konversation", "sprache", VHS, 7500, 12, 6, 7,
	 8, "19:00", 90, VHS_HAUS, "Sprechen, sprechen, sprechen: Alltagsgespräche auf Spanisch.",
	 "Für Teilnehmende mit Grundkenntnissen (A1 abgeschlossen).", -7},
	{"deutsch-b1-intensiv", "Deutsch B1 – Intensivkurs am Vormittag", "sprache", VHS, 12000, 18,
	 3, 2, 12, "09:00", 180, VHS_HAUS,
	 "Vorbereitung auf die B1-Prüfung, zweimal pro Woche am Vormittag.",
	 "Der Kurs endet mit einer Probeprüfung. Eine Kinderbetreuung ist nach Absprache möglich.",
	 -7},
	{"excel-grundlagen", "Excel-Grundlagen für Beruf und Alltag", "edv", VHS, 6900, 10, 8, 7, 4,
	 "18:00", 180, "VHS-Haus Lünen, EDV-Raum 2", "Kirchstraße 23, 44532 Lünen",
	 "Tabellen anlegen, rechnen mit Formeln, Diagramme erstellen.",
	 "Bitte bringen Sie einen USB-Stick mit. Die Rechner stellt die VHS.", -7},
	{"smartphone-senioren", "Smartphone-Sprechstunde für Seniorinnen und Senioren", "edv", VHS,
	 0, 8, 4, 7, 3, "10:00", 120, "Stadtbücherei Lünen", "Willy-Brandt-Platz 3, 44532 Lünen",
	 "Fragen rund um Smartphone und Tablet in kleiner Runde.",
	 "Bringen Sie Ihr eigenes Gerät und, wenn vorhanden, Ihre Zugangsdaten mit.", -7},
	{"stadtfuehrung-altstadt", "Stadtführung: Lünens Altstadt und die Lippe", "stadtfuehrung",
	 TOURIST, 800, 25, 9, 0, 1, "14:00", 120, "Treffpunkt Rathaus, Haupteingang",
	 "Willy-Brandt-Platz 1, 44532 Lünen",
	 "Zwei Stunden durch die Altstadt: Marktplatz, Lippebrücke, Stadtgeschichte.",
	 "Die Führung ist barrierearm; festes Schuhwerk wird empfohlen.", -7},
	{"fuehrung-colani-ufo", "Führung: Colani-Ei und Zechengeschichte", "stadtfuehrung", TOURIST,
	 600, 20, 12, 0, 1, "11:00", 90, "Treffpunkt Colani-Ei", "Zum Colani-Ei, 44536 Lünen",
	 "Vom Förderturm der Zeche Minister Achenbach zum Colani-Ei.",
	 "Für Familien mit Kindern ab acht Jahren geeignet.", -7},
	{"erste-hilfe-grundkurs", "Erste-Hilfe-Grundkurs (9 Unterrichtseinheiten)", "gesundheit",
	 "DRK-Kreisverband Unna", 5000, 15, 10, 0, 1, "09:00", 450, "DRK-Zentrum Lünen",
	 "Kurt-Schumacher-Straße 10, 44532 Lünen",
	 "Für den Führerschein, Übungsleitende und alle, die im Notfall helfen wollen.",
	 "Der Kurs wird für den Führerschein und von den Berufsgenossenschaften anerkannt.", -7},
	{"rueckenfit", "Rückenfit – Bewegung für den Alltag", "gesundheit", VHS, 4800, 14, 2, 7, 6,
	 "17:30", 60, "Turnhalle Altlünen", "Schulstraße 4, 44534 Lünen",
	 "Kräftigung und Entspannung für einen gesunden Rücken.",
	 "Bitte Matte, Handtuch und bequeme Kleidung mitbringen.", -7},
	{"fotografie-einstieg", "Fotografie für Einsteiger: die eigene Kamera verstehen", "kreativ",
	 VHS, 5900, 12, 24, 7, 3, "18:30", 120, VHS_HAUS,
	 "Blende, Zeit und ISO: endlich raus aus dem Automatikmodus.",
	 "Ein Termin findet draußen im Seepark statt.", 10},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The instant of local `start` ("HH:MM") on local day `day`. */
static int64_t
at(int64_t day, const char *start)
{
	struct civil_local l;
	char s[32];
	int64_t t = 0;

	civil_day(day, &l);
	snprintf(s, sizeof(s), "%04d-%02d-%02dT%.5s", l.year % 10000, l.month % 100, l.day % 100,
		 start);
	return civil_local_to_utc(s, &t) ? 0 : t;
}

static int
add(struct db *db, const struct tenant *t, const struct demo_crs *d, int64_t today, int64_t now,
    struct err *e)
{
	struct crs_session s[CRS_SESSIONS_MAX];
	struct crs_course c = {.slug = d->slug,
			       .title = d->title,
			       .summary = d->summary,
			       .description = d->description,
			       .provider = d->provider,
			       .category = d->category,
			       .location_name = d->place,
			       .location_address = d->address,
			       .fee_cents = d->fee_cents,
			       .capacity = d->capacity,
			       .sessions = s,
			       .n_sessions = (size_t)d->count};
	bool added;

	for (int i = 0; i < d->count; i++) {
		s[i].starts_at = at(today + d->day + (int64_t)i * d->every, d->start);
		s[i].ends_at = s[i].starts_at + (int64_t)d->minutes * 60;
	}
	c.registration_opens = now + (int64_t)d->opens_in * 86400;
	c.registration_closes = at(today + d->day - 1, "23:59");
	return crs_add(db, t, &c, now, &added, e);
}

int
crs_demo_load(struct db *db, const struct tenant *t, int64_t now, struct err *e)
{
	struct civil_local today;
	int rc;

	civil_local_at(now, &today);
	rc = db_begin(db, e);
	for (size_t i = 0; rc == 0 && i < N(DEMO); i++)
		rc = add(db, t, &DEMO[i], today.days, now, e);
	return db_end(db, rc, e);
}
