/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Photos without their metadata.  A camera writes the place, the time, the
 * device and its serial number into a JPEG (APP1 Exif, XMP), a PNG (tEXt,
 * zTXt, iTXt, eXIf) or a WebP (EXIF, XMP chunks); none of it may reach the
 * public.  The parsers below walk the container's segments or chunks,
 * bounded by the input, copy what makes the image and drop the rest; they
 * never decode pixels and never write past the input's length.  Anything
 * they cannot walk to its end is refused.
 *
 * The GPS position is read with libexif before the metadata goes.
 */
#include "files/files.h"

#include <libexif/exif-data.h>
#include <string.h>

static const unsigned char PNG_SIG[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static int
bad(struct err *e, const char *what)
{
	return err_set(e, ERR_UNPROCESSABLE, "files.err.image", "%s", what);
}

/* Entropy-coded data after SOS: up to the next marker that is not a stuffed 0 or a restart. */
static size_t
scan_end(const unsigned char *p, size_t i, size_t len)
{
	while (i + 1 < len) {
		if (p[i] == 0xff && p[i + 1] != 0x00 && !(p[i + 1] >= 0xd0 && p[i + 1] <= 0xd7))
			return i;
		i++;
	}
	return len;
}

static int
strip_jpeg(const unsigned char *p, size_t len, unsigned char *out, size_t *n, struct err *e)
{
	size_t i = 2, o = 2;

	if (len < 4 || p[0] != 0xff || p[1] != 0xd8)
		return bad(e, "no JPEG start of image");
	memcpy(out, p, 2);
	for (;;) {
		unsigned m;
		size_t seg;

		if (i >= len || p[i] != 0xff)
			return bad(e, "JPEG marker expected");
		while (i < len && p[i] == 0xff) /* fill bytes */
			i++;
		if (i >= len)
			return bad(e, "JPEG ends inside a marker");
		m = p[i++];
		if (m == 0xd9) { /* EOI: the image is complete; whatever follows is dropped */
			out[o++] = 0xff;
			out[o++] = 0xd9;
			*n = o;
			return 0;
		}
		if (m == 0x00 || m == 0xd8)
			return bad(e, "stray JPEG marker");
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd7)) { /* standalone */
			out[o++] = 0xff;
			out[o++] = (unsigned char)m;
			continue;
		}
		if (i + 2 > len || ((size_t)p[i] << 8 | p[i + 1]) < 2 ||
		    ((size_t)p[i] << 8 | p[i + 1]) > len - i)
			return bad(e, "JPEG segment runs past the end");
		seg = (size_t)p[i] << 8 | p[i + 1];
		if (!((m >= 0xe1 && m <= 0xef) || m == 0xfe)) { /* not APP1..APP15, COM */
			out[o++] = 0xff;
			out[o++] = (unsigned char)m;
			memcpy(out + o, p + i, seg);
			o += seg;
		}
		i += seg;
		if (m == 0xda) {
			size_t end = scan_end(p, i, len);

			if (end >= len)
				return bad(e, "JPEG ends inside the image data");
			memcpy(out + o, p + i, end - i);
			o += end - i;
			i = end;
		}
	}
}

static bool
png_drop(const unsigned char *type)
{
	return memcmp(type, "tEXt", 4) == 0 || memcmp(type, "zTXt", 4) == 0 ||
	       memcmp(type, "iTXt", 4) == 0 || memcmp(type, "eXIf", 4) == 0;
}

static int
strip_png(const unsigned char *p, size_t len, unsigned char *out, size_t *n, struct err *e)
{
	size_t i = sizeof(PNG_SIG), o = sizeof(PNG_SIG);

	if (len < sizeof(PNG_SIG) || memcmp(p, PNG_SIG, sizeof(PNG_SIG)) != 0)
		return bad(e, "no PNG signature");
	memcpy(out, p, sizeof(PNG_SIG));
	while (i + 12 <= len) {
		size_t dlen = be32(p + i);
		const unsigned char *type = p + i + 4;

		if (dlen > len - i - 12)
			return bad(e, "PNG chunk runs past the end");
		if (i == sizeof(PNG_SIG) && memcmp(type, "IHDR", 4) != 0)
			return bad(e, "PNG without IHDR");
		if (!png_drop(type)) {
			memcpy(out + o, p + i, dlen + 12);
			o += dlen + 12;
		}
		i += dlen + 12;
		if (memcmp(type, "IEND", 4) == 0) {
			*n = o;
			return 0;
		}
	}
	return bad(e, "PNG without IEND");
}

/* VP8X flags: ICC 0x20, alpha 0x10, EXIF 0x08, XMP 0x04, animation 0x02. */
#define VP8X_META 0x0c

static int
strip_webp(const unsigned char *p, size_t len, unsigned char *out, size_t *n, struct err *e)
{
	size_t i = 12, o = 12, riff;

	if (len < 12 || memcmp(p, "RIFF", 4) != 0 || memcmp(p + 8, "WEBP", 4) != 0)
		return bad(e, "no WebP header");
	riff = le32(p + 4);
	if (riff < 4 || riff > len - 8)
		return bad(e, "WebP size runs past the end");
	len = riff + 8; /* anything after the RIFF body is dropped */
	memcpy(out, p, 12);
	while (i < len) {
		size_t clen, padded;

		if (len - i < 8)
			return bad(e, "WebP chunk header cut off");
		clen = le32(p + i + 4);
		padded = clen + (clen & 1);
		if (clen > len - i - 8 || padded > len - i - 8)
			return bad(e, "WebP chunk runs past the end");
		if (memcmp(p + i, "EXIF", 4) != 0 && memcmp(p + i, "XMP ", 4) != 0) {
			memcpy(out + o, p + i, padded + 8);
			if (memcmp(p + i, "VP8X", 4) == 0 && clen >= 1)
				out[o + 8] &= (unsigned char)~VP8X_META;
			o += padded + 8;
		}
		i += padded + 8;
	}
	if (o == 12)
		return bad(e, "WebP without image data");
	riff = o - 8;
	out[4] = (unsigned char)riff;
	out[5] = (unsigned char)(riff >> 8);
	out[6] = (unsigned char)(riff >> 16);
	out[7] = (unsigned char)(riff >> 24);
	*n = o;
	return 0;
}

int
files_image_strip(const char *mime, const void *data, size_t len, void *out, size_t *n,
		  struct err *e)
{
	*n = 0;
	if (strcmp(mime, "image/jpeg") == 0)
		return strip_jpeg(data, len, out, n, e);
	if (strcmp(mime, "image/png") == 0)
		return strip_png(data, len, out, n, e);
	if (strcmp(mime, "image/webp") == 0)
		return strip_webp(data, len, out, n, e);
	return err_set(e, ERR_UNPROCESSABLE, "files.err.type", "no photo type: %s", mime);
}

/* Degrees of a GPS coordinate entry (three rationals), or false. */
static bool
gps_degrees(ExifData *ed, ExifContent *gps, ExifTag tag, ExifTag ref, char neg, double *out)
{
	ExifEntry *v = exif_content_get_entry(gps, tag);
	ExifEntry *r = exif_content_get_entry(gps, ref);
	ExifByteOrder bo = exif_data_get_byte_order(ed);
	double parts[3];

	if (!v || !r || v->format != EXIF_FORMAT_RATIONAL || v->components != 3 || v->size < 24 ||
	    r->format != EXIF_FORMAT_ASCII || r->size < 1 || !r->data)
		return false;
	for (int k = 0; k < 3; k++) {
		ExifRational q = exif_get_rational(v->data + 8 * k, bo);

		if (q.denominator == 0)
			return false;
		parts[k] = (double)q.numerator / q.denominator;
	}
	*out = parts[0] + parts[1] / 60 + parts[2] / 3600;
	if (r->data[0] == neg)
		*out = -*out;
	return *out >= -180 && *out <= 180;
}

bool
files_image_gps(const void *data, size_t len, double *lat, double *lon)
{
	ExifData *ed;
	bool ok = false;

	if (len < 4 || len > (size_t)UINT32_MAX)
		return false;
	ed = exif_data_new_from_data(data, (unsigned int)len);
	if (!ed)
		return false;
	if (ed->ifd[EXIF_IFD_GPS])
		ok = gps_degrees(ed, ed->ifd[EXIF_IFD_GPS], EXIF_TAG_GPS_LATITUDE,
				 EXIF_TAG_GPS_LATITUDE_REF, 'S', lat) &&
		     gps_degrees(ed, ed->ifd[EXIF_IFD_GPS], EXIF_TAG_GPS_LONGITUDE,
				 EXIF_TAG_GPS_LONGITUDE_REF, 'W', lon) &&
		     *lat >= -90 && *lat <= 90;
	exif_data_unref(ed);
	return ok;
}
