/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * atom: an Atom feed (RFC 4287) written with the XML writer, for the news
 * and the event feeds.  Every URL is absolute; an entry's id is its page,
 * also given as its alternate link.
 */
#ifndef RATHAUS_CORE_ATOM_H
#define RATHAUS_CORE_ATOM_H

#include "core/xml.h"

#include <stddef.h>
#include <stdint.h>

struct atom_feed {
	const char *id;	  /* the HTML list the feed follows, also its alternate link */
	const char *self; /* the feed's own URL */
	const char *title;
	const char *author;	/* the publisher's name */
	const char *author_uri; /* NULL: none */
	int64_t updated;
};

struct atom_entry {
	const char *id; /* the entry's page */
	const char *title;
	const char *summary; /* NULL or "": none */
	const char *author;  /* NULL: the feed's */
	int64_t published, updated;
	/* Pairs of category term and label, n_categories pairs. */
	const char *const *categories;
	size_t n_categories;
};

/* The XML declaration, <feed> and its head. */
void atom_begin(struct xml_writer *x, struct buf *out, const struct atom_feed *f);
void atom_entry(struct xml_writer *x, const struct atom_entry *e);
/* Closes <feed>. */
void atom_end(struct xml_writer *x);

#endif
