/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Unit tests of the case inbox's pure parts (src/features/forms/form_inbox*.c):
 * the status workflow and the file ids found in stored answers, which decide
 * what a case worker may download and what retention deletes.
 */
#include "features/forms/form_inbox.h"

#include "core/arena.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* After the headers it needs. */
#include <cmocka.h>

#define ID_A "AAAAAAAAAAAAAAAAAAAAAA"
#define ID_B "BBBBBBBBBBBBBBBBBBBBBB"

static void
test_status_moves_only_forward_one_step(void **state)
{
	(void)state;
	assert_true(inbox_status_next(INBOX_RECEIVED, INBOX_IN_PROGRESS));
	assert_true(inbox_status_next(INBOX_IN_PROGRESS, INBOX_DONE));
	assert_true(inbox_status_next(INBOX_IN_PROGRESS, INBOX_REJECTED));
	assert_false(inbox_status_next(INBOX_RECEIVED, INBOX_DONE));
	assert_false(inbox_status_next(INBOX_RECEIVED, INBOX_RECEIVED));
	assert_false(inbox_status_next(INBOX_IN_PROGRESS, INBOX_RECEIVED));
	assert_false(inbox_status_next(INBOX_DONE, INBOX_IN_PROGRESS));
	assert_false(inbox_status_next(INBOX_REJECTED, INBOX_DONE));
	assert_false(inbox_status_next(0, INBOX_IN_PROGRESS));
	for (unsigned st = 1; st <= INBOX_STATUS_LAST; st <<= 1)
		assert_int_equal(inbox_status_parse(inbox_status_name(st)), st);
	assert_int_equal(inbox_status_parse("Done"), 0);
	assert_int_equal(inbox_status_parse(""), 0);
	assert_null(inbox_status_name(INBOX_DONE | INBOX_REJECTED));
}

static void
test_file_ids_are_found_in_fields_and_groups_only_when_well_formed(void **state)
{
	struct arena a;
	const char **ids;

	(void)state;
	arena_init(&a);
	assert_int_equal(inbox_file_ids("{\"fotos\": [{\"id\": \"" ID_A "\", \"name\": \"a.png\"}],"
					" \"leute\": [{\"nachweis\": [{\"id\": \"" ID_B
					"\", \"name\": \"b\"}]}],"
					" \"text\": \"" ID_A
					"\", \"x\": {\"id\": \"../../etc/passwd\","
					" \"name\": \"p\"}, \"y\": {\"id\": \"" ID_A "\"}}",
					&a, &ids),
			 2);
	assert_string_equal(ids[0], ID_A);
	assert_string_equal(ids[1], ID_B);
	assert_int_equal(inbox_file_ids("not json", &a, &ids), 0);
	assert_int_equal(inbox_file_ids("", &a, &ids), 0);
	arena_release(&a);
}

static void
test_deeply_nested_answers_are_cut_off_not_recursed(void **state)
{
	char doc[4096];
	size_t n = 0;
	struct arena a;
	const char **ids;

	(void)state;
	arena_init(&a);
	for (int i = 0; i < 1000; i++)
		doc[n++] = '[';
	for (int i = 0; i < 1000; i++)
		doc[n++] = ']';
	doc[n] = '\0';
	assert_int_equal(inbox_file_ids(doc, &a, &ids), 0);
	arena_release(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_moves_only_forward_one_step),
		cmocka_unit_test(
			test_file_ids_are_found_in_fields_and_groups_only_when_well_formed),
		cmocka_unit_test(test_deeply_nested_answers_are_cut_off_not_recursed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
