/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The map of the report form, a progressive enhancement: only when the
 * tenant configured a tile source (setting map_tiles) does the form get a
 * map container and load Leaflet (static/vendor/leaflet) and
 * static/js/report-map.js, which writes a click on the map into the
 * latitude and longitude fields.  The page's Content-Security-Policy then
 * allows images from the tile source's origin and from nowhere else.
 * Without the setting, or without JavaScript, the fields are typed as
 * before and nothing is loaded from a third party.
 */
#include "features/reports/rp_int.h"

#include <string.h>

/* Where the map opens without a place: the tenant's map_center, else all of Germany. */
#define GERMANY_LAT "51.163400"
#define GERMANY_LON "10.447700"
#define ZOOM_PLACE 16
#define ZOOM_CENTER 14
#define ZOOM_GERMANY 6

/* "https://tiles.example.org" of a template the settings checked (tenant_setting_parse()). */
static const char *
origin_of(struct rq *q, const char *tiles)
{
	const char *host = tiles + strlen("https://");

	return arena_printf(q->a, "https://%.*s", (int)strcspn(host, "/"), host);
}

void
rp_map_view(struct rq *q, const struct rp_input *in)
{
	const char *tiles = tenant_setting_str(q->tenant, TSET_MAP_TILES);
	const char *center = tenant_setting_str(q->tenant, TSET_MAP_CENTER);
	struct view_val *m;

	if (!tiles[0])
		return;
	m = view_set(q->page, "map", view_map(q->a));
	view_set_text(m, "tiles", tiles);
	view_set_text(m, "attribution", tenant_setting_str(q->tenant, TSET_MAP_ATTRIBUTION));
	if (in->has_pos) {
		view_set_text(m, "lat", arena_printf(q->a, "%.6f", (double)in->lat_e6 / 1e6));
		view_set_text(m, "lon", arena_printf(q->a, "%.6f", (double)in->lon_e6 / 1e6));
		view_set_int(m, "zoom", ZOOM_PLACE);
	} else if (center[0]) { /* "51.616600, 7.523700", checked when saved */
		size_t comma = strcspn(center, ",");

		view_set_text(m, "lat", arena_strndup(q->a, center, comma));
		view_set_text(m, "lon", center[comma] ? center + comma + 2 : GERMANY_LON);
		view_set_int(m, "zoom", ZOOM_CENTER);
	} else {
		view_set_text(m, "lat", GERMANY_LAT);
		view_set_text(m, "lon", GERMANY_LON);
		view_set_int(m, "zoom", ZOOM_GERMANY);
	}
	rq_csp_img(q, origin_of(q, tiles));
	rq_page_style(q, "/static/vendor/leaflet/leaflet.css");
	rq_page_script(q, "/static/vendor/leaflet/leaflet.js");
	rq_page_script(q, "/static/js/report-map.js");
}
