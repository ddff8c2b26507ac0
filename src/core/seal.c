/* SPDX-License-Identifier: EUPL-1.2 */
/* Secrets at rest, sealed with the installation's key: see seal.h. */
#include "core/seal.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static unsigned char key[crypto_secretbox_KEYBYTES];
static bool have_key;

int
seal_key_load(const char *path, struct err *e)
{
	char text[256];
	size_t n = 0, len;
	FILE *f;

	have_key = false;
	if (!path || !path[0])
		return 0;
	if (sodium_init() < 0)
		return err_set(e, ERR_INTERNAL, NULL, "libsodium does not start");
	f = fopen(path, "r");
	if (!f)
		return err_set(e, ERR_INVALID, NULL, "secret_key_file %s cannot be read", path);
	len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[len] = '\0';
	if (sodium_base642bin(key, sizeof(key), text, len, " \t\r\n", &n, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    n != sizeof(key)) {
		sodium_memzero(text, sizeof(text));
		return err_set(e, ERR_INVALID, NULL,
			       "secret_key_file %s holds no key of %zu bytes in base64 (make one "
			       "with: head -c 32 /dev/urandom | base64)",
			       path, sizeof(key));
	}
	sodium_memzero(text, sizeof(text));
	have_key = true;
	return 0;
}

bool
seal_has_key(void)
{
	return have_key;
}

const char *
seal_text(struct arena *a, const char *plain)
{
	const size_t n = strlen(plain),
		     box = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n;
	const size_t b64 = sodium_base64_ENCODED_LEN(box, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	unsigned char *raw;
	char *out;

	if (!have_key)
		return plain;
	raw = arena_alloc(a, box);
	randombytes_buf(raw, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(raw + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain, n,
			      raw, key);
	out = arena_alloc(a, strlen(SEAL_PREFIX) + b64);
	memcpy(out, SEAL_PREFIX, strlen(SEAL_PREFIX));
	sodium_bin2base64(out + strlen(SEAL_PREFIX), b64, raw, box,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

int
seal_open(struct arena *a, const char *stored, const char **plain, struct err *e)
{
	const size_t pre = strlen(SEAL_PREFIX),
		     over = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;
	size_t len, n = 0;
	unsigned char *raw;
	char *out;

	if (strncmp(stored, SEAL_PREFIX, pre) != 0) {
		*plain = stored;
		return 0;
	}
	if (!have_key)
		return err_set(e, ERR_INTERNAL, NULL,
			       "a sealed secret is stored but no secret_key_file is set");
	len = strlen(stored + pre);
	raw = arena_alloc(a, len + 1);
	if (sodium_base642bin(raw, len, stored + pre, len, NULL, &n, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    n < over)
		return err_set(e, ERR_INTERNAL, NULL, "a sealed secret is damaged");
	out = arena_alloc(a, n - over + 1);
	if (crypto_secretbox_open_easy((unsigned char *)out, raw + crypto_secretbox_NONCEBYTES,
				       n - crypto_secretbox_NONCEBYTES, raw, key) != 0)
		return err_set(e, ERR_INTERNAL, NULL,
			       "a sealed secret does not open with this secret_key_file");
	out[n - over] = '\0';
	*plain = out;
	return 0;
}
