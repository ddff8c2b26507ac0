/* SPDX-License-Identifier: EUPL-1.2 */
/* The citizen's pages of a form.  TODO(#14): steps, drafts, summary. */
#include "features/forms/form_int.h"

void
form_web_register(struct app *app)
{
	(void)app;
}
