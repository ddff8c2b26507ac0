/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * One-time codes after RFC 4226 (HOTP) and RFC 6238 (TOTP), base32 after
 * RFC 4648, and the QR code of an otpauth:// URI drawn as one SVG path
 * (libqrencode).  Authenticator apps use HMAC-SHA-1 by default, which
 * libsodium does not offer, so SHA-1 (FIPS 180-4) is here; SHA-256 and
 * SHA-512 come from libsodium.  SHA-1 is only used inside HMAC, where its
 * collisions do not matter.
 */
#include "features/account/account.h"

#include "core/xalloc.h"

#include <qrencode.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHA1_BLOCK 64
#define SHA1_LEN 20

struct sha1 {
	uint32_t h[5];
	uint64_t len; /* bytes */
	unsigned char buf[SHA1_BLOCK];
	size_t n;
};

static uint32_t
rol(uint32_t x, int k)
{
	return (x << k) | (x >> (32 - k));
}

static void
sha1_block(struct sha1 *s, const unsigned char *p)
{
	uint32_t w[80], a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4];

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	for (int i = 0; i < 80; i++) {
		uint32_t f, k, t;

		if (i < 20) {
			f = (b & c) | (~b & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6;
		}
		t = rol(a, 5) + f + e + k + w[i];
		e = d;
		d = c;
		c = rol(b, 30);
		b = a;
		a = t;
	}
	s->h[0] += a;
	s->h[1] += b;
	s->h[2] += c;
	s->h[3] += d;
	s->h[4] += e;
}

static void
sha1_init(struct sha1 *s)
{
	*s = (struct sha1){{0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0}, 0, {0}, 0};
}

static void
sha1_update(struct sha1 *s, const unsigned char *p, size_t n)
{
	s->len += n;
	while (n > 0) {
		size_t k = SHA1_BLOCK - s->n < n ? SHA1_BLOCK - s->n : n;

		memcpy(s->buf + s->n, p, k);
		s->n += k;
		p += k;
		n -= k;
		if (s->n == SHA1_BLOCK) {
			sha1_block(s, s->buf);
			s->n = 0;
		}
	}
}

static void
sha1_final(struct sha1 *s, unsigned char out[SHA1_LEN])
{
	uint64_t bits = s->len * 8;
	unsigned char pad[SHA1_BLOCK + 8] = {0x80}, lenb[8];
	size_t padn = (s->n < 56 ? 56 : 120) - s->n;

	for (int i = 0; i < 8; i++)
		lenb[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha1_update(s, pad, padn);
	sha1_update(s, lenb, 8);
	for (int i = 0; i < 5; i++)
		for (int j = 0; j < 4; j++)
			out[4 * i + j] = (unsigned char)(s->h[i] >> (24 - 8 * j));
	sodium_memzero(s, sizeof(*s));
}

/* One pass of RFC 2104: SHA-1 of the padded key (each byte XOR `x`) followed by `msg`. */
static void
hmac_pass(const unsigned char k[SHA1_BLOCK], unsigned char x, const unsigned char *msg, size_t n,
	  unsigned char out[SHA1_LEN])
{
	unsigned char pad[SHA1_BLOCK];
	struct sha1 s;

	for (int i = 0; i < SHA1_BLOCK; i++)
		pad[i] = k[i] ^ x;
	sha1_init(&s);
	sha1_update(&s, pad, SHA1_BLOCK);
	sha1_update(&s, msg, n);
	sha1_final(&s, out);
	sodium_memzero(pad, sizeof(pad));
}

/* HMAC-SHA-1 (RFC 2104). */
static void
hmac_sha1(const unsigned char *key, size_t keylen, const unsigned char *msg, size_t n,
	  unsigned char out[SHA1_LEN])
{
	unsigned char k[SHA1_BLOCK] = {0}, inner[SHA1_LEN];
	struct sha1 s;

	if (keylen > SHA1_BLOCK) {
		sha1_init(&s);
		sha1_update(&s, key, keylen);
		sha1_final(&s, k);
	} else {
		memcpy(k, key, keylen);
	}
	hmac_pass(k, 0x36, msg, n, inner);
	hmac_pass(k, 0x5c, inner, SHA1_LEN, out);
	sodium_memzero(k, sizeof(k));
}

uint32_t
acct_hotp(enum acct_otp_alg alg, const unsigned char *key, size_t keylen, uint64_t counter,
	  int digits)
{
	unsigned char msg[8], mac[crypto_auth_hmacsha512_BYTES];
	size_t maclen;
	uint32_t bin, mod = 1;
	unsigned off;

	for (int i = 0; i < 8; i++)
		msg[i] = (unsigned char)(counter >> (56 - 8 * i));
	if (alg == ACCT_OTP_SHA256) {
		crypto_auth_hmacsha256_state st;

		crypto_auth_hmacsha256_init(&st, key, keylen);
		crypto_auth_hmacsha256_update(&st, msg, sizeof(msg));
		crypto_auth_hmacsha256_final(&st, mac);
		maclen = crypto_auth_hmacsha256_BYTES;
	} else if (alg == ACCT_OTP_SHA512) {
		crypto_auth_hmacsha512_state st;

		crypto_auth_hmacsha512_init(&st, key, keylen);
		crypto_auth_hmacsha512_update(&st, msg, sizeof(msg));
		crypto_auth_hmacsha512_final(&st, mac);
		maclen = crypto_auth_hmacsha512_BYTES;
	} else {
		hmac_sha1(key, keylen, msg, sizeof(msg), mac);
		maclen = SHA1_LEN;
	}
	/* Dynamic truncation (RFC 4226 5.3). */
	off = mac[maclen - 1] & 0x0f;
	bin = (uint32_t)(mac[off] & 0x7f) << 24 | (uint32_t)mac[off + 1] << 16 |
	      (uint32_t)mac[off + 2] << 8 | mac[off + 3];
	sodium_memzero(mac, sizeof(mac));
	for (int i = 0; i < digits && i < 9; i++)
		mod *= 10;
	return bin % mod;
}

uint32_t
acct_totp(enum acct_otp_alg alg, const unsigned char *key, size_t keylen, int64_t unix_time,
	  int digits)
{
	return acct_hotp(alg, key, keylen, (uint64_t)(unix_time / ACCT_TOTP_STEP_S), digits);
}

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

size_t
acct_base32_encode(const unsigned char *p, size_t n, char *out, size_t outn)
{
	size_t o = 0;
	uint32_t acc = 0;
	int bits = 0;

	for (size_t i = 0; i < n; i++) {
		acc = (acc << 8) | p[i];
		bits += 8;
		while (bits >= 5) {
			if (o + 1 < outn)
				out[o] = b32[(acc >> (bits - 5)) & 31];
			o++;
			bits -= 5;
		}
	}
	if (bits > 0) {
		if (o + 1 < outn)
			out[o] = b32[(acc << (5 - bits)) & 31];
		o++;
	}
	if (outn)
		out[o < outn ? o : outn - 1] = '\0';
	return o;
}

int
acct_base32_decode(const char *s, unsigned char *out, size_t outn)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;

	for (; s && *s && *s != '='; s++) {
		char ch = *s >= 'a' && *s <= 'z' ? (char)(*s - 32) : *s;
		const char *at = ch ? strchr(b32, ch) : NULL;

		if (ch == ' ' || ch == '-')
			continue;
		if (!at)
			return -1;
		acc = (acc << 5) | (uint32_t)(at - b32);
		bits += 5;
		if (bits >= 8) {
			if (o >= outn)
				return -1;
			out[o++] = (unsigned char)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	return (int)o;
}

int
acct_totp_match(const char *secret_b32, const char *code, int64_t now, int64_t after_step,
		int64_t *step)
{
	unsigned char key[64];
	int keylen = acct_base32_decode(secret_b32, key, sizeof(key));
	uint32_t want = 0;
	int found = 0;

	*step = 0;
	if (keylen <= 0 || !code || strlen(code) != ACCT_TOTP_DIGITS)
		return 0;
	for (const char *c = code; *c; c++) {
		if (*c < '0' || *c > '9')
			return 0;
		want = want * 10 + (uint32_t)(*c - '0');
	}
	/* Every step of the window is computed, so the time does not tell which matched. */
	for (int64_t d = -ACCT_TOTP_WINDOW; d <= ACCT_TOTP_WINDOW; d++) {
		int64_t s = now / ACCT_TOTP_STEP_S + d;
		uint32_t got = acct_hotp(ACCT_OTP_SHA1, key, (size_t)keylen, (uint64_t)s,
					 ACCT_TOTP_DIGITS);

		if (got == want && s > after_step && !found) {
			*step = s;
			found = 1;
		}
	}
	sodium_memzero(key, sizeof(key));
	return found;
}

char *
acct_qr_svg_path(const char *text, int *size)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	size_t cap, n = 0;
	char *out;

	*size = 0;
	if (!qr)
		return NULL;
	cap = (size_t)qr->width * (size_t)qr->width * 16 + 1;
	out = xmalloc(cap);
	out[0] = '\0';
	/* One horizontal run of dark modules a command; 4 modules of quiet zone. */
	for (int y = 0; y < qr->width; y++)
		for (int x = 0; x < qr->width;) {
			int run = 0;

			while (x + run < qr->width && (qr->data[y * qr->width + x + run] & 1))
				run++;
			if (run) {
				n += (size_t)snprintf(out + n, cap - n, "M%d %dh%dv1h-%dz", x + 4,
						      y + 4, run, run);
				x += run;
			} else {
				x++;
			}
		}
	*size = qr->width + 8;
	QRcode_free(qr);
	return out;
}
