/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * ical: the writing side of iCalendar (RFC 5545) that every calendar file of
 * the portal shares.  Written by hand rather than with libical: the rules
 * that matter (TEXT escaping, CRLF, lines folded at 75 octets between UTF-8
 * characters, UTC date-times, the Europe/Berlin VTIMEZONE) fit in one file
 * and are checked by tests/unit/ical_test.c and tests/tools/ical_check.mjs.
 *
 * Every function appends to `out` and returns 0 or ERR_TOOBIG.
 */
#ifndef RATHAUS_CORE_ICAL_H
#define RATHAUS_CORE_ICAL_H

#include "core/buf.h"

#include <stdbool.h>
#include <stdint.h>

/* "YYYYMMDDTHHMMSSZ" */
#define ICAL_UTC_LEN 16

/* BEGIN:VCALENDAR with VERSION, PRODID "-//Rathaus//`product`//DE", METHOD:PUBLISH
 * and, with `berlin`, the VTIMEZONE that TZID=Europe/Berlin properties need. */
int ical_begin(struct buf *out, const char *product, bool berlin);
int ical_end(struct buf *out);
/* One content line as given, folded and ended with CRLF. */
int ical_line(struct buf *out, const char *line);
/* NAME:value with the value escaped as TEXT (3.3.11); control characters dropped. */
int ical_text(struct buf *out, const char *name, const char *value);
/* NAME:YYYYMMDDTHHMMSSZ of Unix seconds `t`. */
int ical_utc(struct buf *out, const char *name, int64_t t);
void ical_utc_format(int64_t t, char out[ICAL_UTC_LEN + 1]);
/* NAME;VALUE=DATE:YYYYMMDD of local day `day` when `all_day`, else
 * NAME;TZID=Europe/Berlin:YYYYMMDDTHHMM00 of instant `utc`. */
int ical_local(struct buf *out, const char *name, int64_t utc, bool all_day, int64_t day);

#endif
