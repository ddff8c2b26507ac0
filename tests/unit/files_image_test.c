/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Unit tests of the photo metadata strippers and the Exif GPS reader
 * (src/files/files_image.c) with the photos of tests/unit/fixtures/photos/
 * (made by tests/tools/make_photos.py): a JPEG with an Exif APP1 carrying a
 * GPS position and a serial number and a COM segment, a PNG with text
 * chunks and an eXIf chunk.
 */
#include "files/files.h"

#include "core/err.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* After the headers it needs. */
#include <cmocka.h>

struct photo {
	unsigned char *p;
	size_t len;
};

static struct photo
load(const char *name)
{
	const char *share = getenv("RATHAUS_SHARE_DIR");
	char path[1024];
	struct photo ph = {NULL, 0};
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/tests/unit/fixtures/photos/%s",
		 share && *share ? share : RATHAUS_SHARE_DIR_DEFAULT, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	ph.p = malloc((size_t)n);
	assert_non_null(ph.p);
	ph.len = fread(ph.p, 1, (size_t)n, f);
	assert_int_equal(ph.len, (size_t)n);
	fclose(f);
	return ph;
}

static bool
has(const unsigned char *p, size_t n, const char *s)
{
	size_t k = strlen(s);

	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(p + i, s, k) == 0)
			return true;
	return false;
}

static void
jpeg_gps_read_then_stripped(void **state)
{
	struct photo ph = load("gps.jpg");
	unsigned char *out = malloc(ph.len);
	double lat = 0, lon = 0;
	size_t n = 0;
	struct err e;

	(void)state;
	err_clear(&e);
	assert_true(has(ph.p, ph.len, "Exif") && has(ph.p, ph.len, "SERIAL-4711"));
	assert_true(files_image_gps(ph.p, ph.len, &lat, &lon));
	assert_true(lat > 51.6165 && lat < 51.6167);
	assert_true(lon > 7.5206 && lon < 7.5208);
	assert_int_equal(files_image_strip("image/jpeg", ph.p, ph.len, out, &n, &e), 0);
	assert_true(n < ph.len);
	assert_false(has(out, n, "Exif"));
	assert_false(has(out, n, "SERIAL-4711"));
	assert_false(has(out, n, "Kommentar"));
	assert_true(has(out, n, "JFIF"));
	assert_int_equal(out[0], 0xff);
	assert_int_equal(out[1], 0xd8);
	assert_int_equal(out[2], 0xff);
	assert_int_equal(out[3], 0xe0); /* APP0 stays */
	assert_int_equal(out[n - 2], 0xff);
	assert_int_equal(out[n - 1], 0xd9);
	assert_false(files_image_gps(out, n, &lat, &lon));
	free(out);
	free(ph.p);
}

static void
png_text_chunks_dropped(void **state)
{
	struct photo ph = load("text.png");
	unsigned char *out = malloc(ph.len);
	size_t n = 0;
	struct err e;

	(void)state;
	err_clear(&e);
	assert_true(has(ph.p, ph.len, "Erika") && has(ph.p, ph.len, "eXIf"));
	assert_int_equal(files_image_strip("image/png", ph.p, ph.len, out, &n, &e), 0);
	assert_false(has(out, n, "tEXt") || has(out, n, "zTXt") || has(out, n, "iTXt"));
	assert_false(has(out, n, "eXIf") || has(out, n, "Erika") || has(out, n, "Lange"));
	assert_true(has(out, n, "IHDR") && has(out, n, "IDAT") && has(out, n, "IEND"));
	free(out);
	free(ph.p);
}

/* A cut-off JPEG or PNG, a chunk longer than the file, another type: refused, nothing read past the
 * end. */
static void
broken_images_refused(void **state)
{
	struct photo j = load("gps.jpg"), p = load("text.png");
	unsigned char *out = malloc(j.len + p.len);
	size_t n;
	struct err e;

	(void)state;
	err_clear(&e);
	assert_int_equal(files_image_strip("image/jpeg", j.p, j.len - 2, out, &n, &e),
			 ERR_UNPROCESSABLE);
	assert_int_equal(files_image_strip("image/jpeg", j.p, 30, out, &n, &e), ERR_UNPROCESSABLE);
	assert_int_equal(files_image_strip("image/png", p.p, p.len - 12, out, &n, &e),
			 ERR_UNPROCESSABLE);
	p.p[8 + 3] = 0xff; /* IHDR claims 255 bytes */
	assert_int_equal(files_image_strip("image/png", p.p, p.len, out, &n, &e),
			 ERR_UNPROCESSABLE);
	assert_int_equal(files_image_strip("image/jpeg", p.p, p.len, out, &n, &e),
			 ERR_UNPROCESSABLE);
	assert_int_equal(files_image_strip("text/html", j.p, j.len, out, &n, &e),
			 ERR_UNPROCESSABLE);
	assert_false(files_image_gps("<html>", 6, &(double){0}, &(double){0}));
	free(out);
	free(j.p);
	free(p.p);
}

static void
webp_metadata_dropped(void **state)
{
	/* RIFF, VP8X with the EXIF and XMP flags, an EXIF chunk, a VP8L chunk. */
	static const unsigned char in[] = {'R', 'I', 'F', 'F', 44,  0,	 0,    0,   'W', 'E',  'B',
					   'P', 'V', 'P', '8', 'X', 10,	 0,    0,   0,	 0x0c, 0,
					   0,	0,   0,	  0,   0,   0,	 0,    0,   'E', 'X',  'I',
					   'F', 3,   0,	  0,   0,   'G', 'P',  'S', 0,	 'V',  'P',
					   '8', 'L', 2,	  0,   0,   0,	 0x2f, 0};
	unsigned char out[sizeof(in)];
	size_t n = 0;
	struct err e;

	(void)state;
	err_clear(&e);
	assert_int_equal(files_image_strip("image/webp", in, sizeof(in), out, &n, &e), 0);
	assert_int_equal(n, sizeof(in) - 12);
	assert_false(has(out, n, "EXIF") || has(out, n, "GPS"));
	assert_int_equal(out[20], 0); /* flags cleared */
	assert_int_equal(out[4], n - 8);
	assert_true(has(out, n, "VP8L"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jpeg_gps_read_then_stripped),
		cmocka_unit_test(png_text_chunks_dropped),
		cmocka_unit_test(broken_images_refused),
		cmocka_unit_test(webp_metadata_dropped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
