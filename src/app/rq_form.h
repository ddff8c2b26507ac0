/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Pieces of the booking forms that several features share: a field's state
 * as a map of the page, and the select box of a count from 1 to a maximum
 * (persons, places) with the typed one selected.
 */
#ifndef RATHAUS_APP_RQ_FORM_H
#define RATHAUS_APP_RQ_FORM_H

#include "app/app.h"

/* rq_field() on a new map `key` of q->page: the field's value as typed and its error. */
void rq_page_field(struct rq *q, const char *key, const char *value, const char *error);

/*
 * The list `key` of q->page with the options {n, selected} of a select box,
 * n from 1 to `max`; the option equal to `selected` is selected.
 */
void rq_count_options(struct rq *q, const char *key, int max, int selected);

#endif
