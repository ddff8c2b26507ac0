/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * config: the settings of one installation, read once at start-up by every
 * subcommand the same way: embedded defaults, then a file of `key = value`
 * lines, then RATHAUS_<KEY> environment variables (upper case).  Read-only
 * after config_load(), so threads share it without locks.
 */
#ifndef RATHAUS_CONFIG_H
#define RATHAUS_CONFIG_H

#include "core/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONFIG_STR_MAX 512
#define CONFIG_PROXIES_MAX 8

struct config {
	char listen_host[64];		/* "127.0.0.1" */
	int listen_port;		/* 8080 */
	char db[CONFIG_STR_MAX];	/* "sqlite:PATH" or a postgresql:// URL */
	char data_dir[CONFIG_STR_MAX];	/* uploads and other files */
	char share_dir[CONFIG_STR_MAX]; /* templates/, static/, migrations/, locale/ */
	char log_level[16];		/* debug, info, warn, error */
	int threads;			/* worker threads; 0: one per core */
	int max_connections;		/* connection cap */
	int timeout_s;			/* idle connection timeout */
	int header_timeout_s;		/* a request head must be in within this */
	int max_connections_per_ip;	/* per client address; trusted proxies exempt */
	int64_t max_body;		/* default request body cap, bytes */
	int64_t max_upload;		/* cap for multipart bodies, bytes */
	int session_ttl_s;		/* idle lifetime of a session */
	int login_rate;			/* login attempts per IP per minute */
	int api_write_rate;		/* API submissions and uploads per IP per minute */
	int page_cache_ttl_s;		/* anonymous pages are reused this long; 0: off */
	/* Peers whose X-Forwarded-For/-Proto are believed (exact IP addresses). */
	char trusted_proxies[CONFIG_PROXIES_MAX][64];
	int n_trusted_proxies;
	char public_url[CONFIG_STR_MAX]; /* "https://portal.example"; "": http://<listen> */
	char smtp_url[CONFIG_STR_MAX];	 /* smtp:// or smtps:// relay; "": mails stay queued */
	char mail_from[CONFIG_STR_MAX];	 /* sender address of outgoing mail */
	bool booking_limits; /* the tenants' appointment limits apply (off: load tests) */
	bool report_limits;  /* the tenants' hourly report limit per IP applies (off: tests) */
	/* Form deliveries retry after 1, 5, 30, 120 and 720 times this (60: 1 min ... 12 h). */
	int form_delivery_backoff_s;
	bool form_delivery_http_local; /* http:// to 127.0.0.1, ::1 or localhost allowed (tests) */
	char secret_key_file[CONFIG_STR_MAX]; /* the key of sealed secrets (seal.h); "": none */
	/* The SAML SP's key pair (PEM files); "": the pair kept in the database. */
	char saml_key_file[CONFIG_STR_MAX];
	char saml_cert_file[CONFIG_STR_MAX];
	char file[CONFIG_STR_MAX]; /* the file read, or "" */
};

/*
 * Fill `c`: defaults, then `file` (NULL: $RATHAUS_CONFIG if set, else none),
 * then the environment.  Returns 0 or ERR_INVALID with the offending key and
 * line in `e`.  An unknown key is an error, so typos do not pass silently.
 */
int config_load(struct config *c, const char *file, struct err *e) MUST_CHECK;

/*
 * Set one setting from text, as the file and environment do.  Returns 0 or
 * ERR_INVALID (unknown key, bad value) with the reason in `e`.
 */
int config_set(struct config *c, const char *key, const char *value, struct err *e) MUST_CHECK;

/* Write every setting as `key = value` lines (for check-config). */
void config_print(const struct config *c, int fd);

/* `url` with its password as "***", for messages; lives in `out` (n bytes). */
const char *config_masked_url(const char *url, char *out, size_t n);

/* True when `ip` is one of the trusted proxies. */
bool config_is_trusted_proxy(const struct config *c, const char *ip);

#endif
