/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The PDF receipt of a case (pdf.h): the tenant, the form with its version,
 * the case number, when it came in (Europe/Berlin), and every visible
 * answer under its step in the form's order, a repeating group's entries as
 * sub-sections, files by name.  The answers are the case's clean ones, so
 * what was hidden by a condition is not in them.
 */
#include "features/forms/form_int.h"

#include "core/civil.h"
#include "db/db.h"
#include "pdf/pdf.h"

#include <string.h>

static const char *
msg(const struct form_text *x, const char *key)
{
	return view_msg(x->view, x->lang, key);
}

static void
add_group(struct pdf_doc *d, const struct form_text *x, const struct form_field *fd, json_t *v)
{
	size_t i;
	json_t *entry;

	json_array_foreach(v, i, entry)
	{
		pdf_heading(d, arena_printf(x->a, "%s %zu", fd->label, i + 1), 1);
		for (size_t k = 0; k < fd->n_fields; k++) {
			json_t *cv = json_object_get(entry, fd->fields[k].key);

			if (cv)
				pdf_pair(d, fd->fields[k].label,
					 form_answer_text(x, &fd->fields[k], cv), 1);
		}
	}
}

static void
add_answers(struct pdf_doc *d, const struct form_text *x, const struct form *f, json_t *answers)
{
	for (size_t s = 0; s < f->n_steps; s++) {
		bool any = false;

		for (size_t i = 0; i < f->steps[s].n_fields; i++) {
			const struct form_field *fd = &f->steps[s].fields[i];
			json_t *v = json_object_get(answers, fd->key);

			if (!v)
				continue;
			if (!any)
				pdf_heading(d, f->steps[s].title, 0);
			any = true;
			if (fd->type == FT_GROUP && json_is_array(v))
				add_group(d, x, fd, v);
			else
				pdf_pair(d, fd->label, form_answer_text(x, fd, v), 0);
		}
	}
}

int
form_receipt_build(const struct form_text *x, const struct tenant *t, const struct form *f,
		   const char *case_no, int64_t created_at, json_t *answers, struct buf *out,
		   struct err *e)
{
	char when[CIVIL_DATETIME_LEN + 1];
	struct pdf_doc *d =
		pdf_new(arena_printf(x->a, "%s %s", msg(x, "forms.receipt.title"), case_no));
	int rc;

	civil_utc_to_local(created_at, false, when);
	pdf_footer(d, arena_printf(x->a, "%s · %s", t->name, case_no), msg(x, "forms.receipt.page"),
		   msg(x, "forms.receipt.of"));
	pdf_title(d, msg(x, "forms.receipt.title"));
	pdf_para(d, t->name);
	pdf_pair(d, msg(x, "forms.receipt.form"),
		 arena_printf(x->a, "%s (%s %lld)", f->title, msg(x, "forms.receipt.version"),
			      (long long)f->version),
		 0);
	pdf_pair(d, msg(x, "forms.receipt.case"), case_no, 0);
	/* "YYYY-MM-DD HH:MM" as "DD.MM.YYYY, HH:MM" */
	pdf_pair(d, msg(x, "forms.receipt.received"),
		 arena_printf(x->a, "%.2s.%.2s.%.4s, %.5s %s", when + 8, when + 5, when, when + 11,
			      msg(x, "forms.receipt.clock")),
		 0);
	add_answers(d, x, f, answers);
	pdf_para(d, "");
	pdf_para(d, msg(x, "forms.receipt.note"));
	rc = pdf_render(d, out, e);
	pdf_free(d);
	return rc;
}

int
form_receipt_case(struct db *db, const struct form_text *x, const struct tenant *t,
		  const char *case_no, struct buf *out, struct err *e)
{
	struct form_case c;
	struct form *f;
	json_t *answers;
	int rc = form_case_load(db, t, case_no, x->a, &c, e);

	if (rc == 0)
		rc = form_load_version(db, t, c.form_id, c.form_version, x->a, &f, e);
	if (rc)
		return rc;
	answers = json_loads(c.answers, 0, NULL);
	if (!answers) /* answers deleted after the retention period */
		answers = json_object();
	rc = form_receipt_build(x, t, f, c.case_no, c.created_at, answers, out, e);
	json_decref(answers);
	return rc;
}

const char *
form_receipt_name(struct arena *a, const char *case_no)
{
	return arena_printf(a, "Eingangsbestaetigung-%s.pdf", case_no);
}
