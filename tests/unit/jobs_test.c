/* SPDX-License-Identifier: EUPL-1.2 */
/* Background jobs: due times, claims and leases, retries with backoff, recurring jobs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "db/db.h"
#include "jobs/jobs_int.h"
#include "scratch.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define T0 1800000000LL
#define N_RACE 40

static int64_t fake_now = T0;
static int runs[N_RACE + 1];
static pthread_mutex_t runs_mu = PTHREAD_MUTEX_INITIALIZER;

static int64_t
fake_clock(void)
{
	return fake_now;
}

/* Count a run of the job whose payload is {"n": N}. */
static int
run_count(struct job_run *r, struct err *e)
{
	json_t *doc = json_loads(r->payload, 0, NULL);
	int64_t n = json_integer_value(json_object_get(doc, "n"));

	json_decref(doc);
	if (n < 0 || n > N_RACE)
		return err_set(e, ERR_INVALID, NULL, "bad payload");
	pthread_mutex_lock(&runs_mu);
	runs[n]++;
	pthread_mutex_unlock(&runs_mu);
	return 0;
}

static int
run_fail(struct job_run *r, struct err *e)
{
	runs[0]++;
	r->give_up = strstr(r->payload, "permanent") != NULL;
	if (strstr(r->payload, "later"))
		r->retry_at = r->now + 7200;
	return err_set(e, ERR_IO, NULL, "server said 451 on attempt %d", r->attempt);
}

static const struct job_kind count_kind = {.name = "test.count", .run = run_count};
static const struct job_kind fail_kind = {
	.name = "test.fail", .run = run_fail, .max_attempts = 3, .backoff_s = 10};
static const struct job_every count_every = {&count_kind, 600};

static int
setup(void **state)
{
	int rc = scratch_setup_migrated(state);

	fake_now = T0;
	memset(runs, 0, sizeof(runs));
	return rc;
}

static struct jobs *
test_jobs(void)
{
	struct jobs *j = jobs_new(NULL);

	j->clock = fake_clock;
	jobs_add_kind(j, &count_kind, NULL);
	jobs_add_kind(j, &fail_kind, NULL);
	return j;
}

static int
pass(struct jobs *j, struct db *db, struct err *e)
{
	int ran = -1;

	ASSERT_OK(e, jobs_run_due(j, db, &ran, e));
	return ran;
}

static void
test_job_runs_once_when_its_time_has_come(void **state)
{
	struct scratch_fixture *f = *state;
	struct jobs *j = test_jobs();

	ASSERT_OK(&f->e, job_enqueue(f->s.db, "test.count", 0, "{\"n\": 1}", T0 + 10, NULL, &f->e));
	assert_int_equal(pass(j, f->s.db, &f->e), 0);
	fake_now = T0 + 10;
	assert_int_equal(pass(j, f->s.db, &f->e), 1);
	assert_int_equal(runs[1], 1);
	assert_int_equal(pass(j, f->s.db, &f->e), 0);
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM job"), 0);
	jobs_free(j);
}

static void
test_failed_job_is_retried_with_backoff_then_dead(void **state)
{
	struct scratch_fixture *f = *state;
	struct jobs *j = test_jobs();

	ASSERT_OK(&f->e, job_enqueue(f->s.db, "test.fail", 0, NULL, T0, NULL, &f->e));
	assert_int_equal(pass(j, f->s.db, &f->e), 1);
	assert_int_equal(scratch_int64(f->s.db, "SELECT run_at FROM job"), T0 + 10);
	fake_now = T0 + 9;
	assert_int_equal(pass(j, f->s.db, &f->e), 0);
	fake_now = T0 + 10;
	assert_int_equal(pass(j, f->s.db, &f->e), 1);
	assert_int_equal(scratch_int64(f->s.db, "SELECT run_at FROM job"), T0 + 30);
	fake_now = T0 + 30;
	assert_int_equal(pass(j, f->s.db, &f->e), 1);
	fake_now = T0 + 100000;
	assert_int_equal(pass(j, f->s.db, &f->e), 0);
	assert_int_equal(runs[0], 3);
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM job WHERE state = 'dead' "
						"AND attempts = 3 AND claimed_by IS NULL AND "
						"last_error = 'server said 451 on attempt 3'"),
			 1);
	jobs_free(j);
}

static void
test_failed_job_that_names_its_retry_time_waits_until_then(void **state)
{
	struct scratch_fixture *f = *state;
	struct jobs *j = test_jobs();

	ASSERT_OK(&f->e, job_enqueue(f->s.db, "test.fail", 0, "{\"later\": 1}", T0, NULL, &f->e));
	assert_int_equal(pass(j, f->s.db, &f->e), 1);
	/* Past the hour the backoff would allow: the kind's own schedule wins. */
	assert_int_equal(scratch_int64(f->s.db, "SELECT run_at FROM job"), T0 + 7200);
	fake_now = T0 + 7199;
	assert_int_equal(pass(j, f->s.db, &f->e), 0);
	fake_now = T0 + 7200;
	assert_int_equal(pass(j, f->s.db, &f->e), 1);
	assert_int_equal(runs[0], 2);
	jobs_free(j);
}

static void
test_permanent_failure_is_dead_at_once(void **state)
{
	struct scratch_fixture *f = *state;
	struct jobs *j = test_jobs();

	ASSERT_OK(&f->e,
		  job_enqueue(f->s.db, "test.fail", 0, "{\"permanent\": 1}", 0, NULL, &f->e));
	fake_now = T0 + 100000000;
	assert_int_equal(pass(j, f->s.db, &f->e), 1);
	assert_int_equal(pass(j, f->s.db, &f->e), 0);
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM job WHERE state = 'dead'"),
			 1);
	jobs_free(j);
}

static void
test_backoff_doubles_up_to_an_hour(void **state)
{
	static const struct job_kind plain = {.name = "x", .run = run_count};

	(void)state;
	assert_int_equal(job_backoff_s(&fail_kind, 1), 10);
	assert_int_equal(job_backoff_s(&fail_kind, 2), 20);
	assert_int_equal(job_backoff_s(&fail_kind, 3), 40);
	assert_int_equal(job_backoff_s(&fail_kind, 9), 2560);
	assert_int_equal(job_backoff_s(&fail_kind, 10), JOBS_BACKOFF_MAX_S);
	assert_int_equal(job_backoff_s(&fail_kind, 1000000), JOBS_BACKOFF_MAX_S);
	assert_int_equal(job_backoff_s(&plain, 1), JOBS_BACKOFF_S);
}

static void
test_claimed_job_waits_for_the_lease_and_late_holder_changes_nothing(void **state)
{
	struct scratch_fixture *f = *state;
	struct jobs *a = test_jobs(), *b = test_jobs();
	struct db *other = NULL;
	struct job_claim c;
	int64_t id = 0;
	bool kept = true;

	ASSERT_OK(&f->e, db_open(f->s.url, &other, &f->e));
	ASSERT_OK(&f->e, job_enqueue(f->s.db, "test.count", 0, "{\"n\": 2}", T0, &id, &f->e));
	/* Instance a claims the job and dies before it finishes. */
	ASSERT_OK(&f->e, jobs_store_claim(f->s.db, id, "a:1", T0, 300, &c, &f->e));
	assert_int_equal(c.attempts, 1);
	assert_int_equal(jobs_store_claim(other, id, "b:1", T0, 300, &(struct job_claim){0}, &f->e),
			 ERR_CONFLICT);
	fake_now = T0 + 299;
	assert_int_equal(pass(b, other, &f->e), 0);
	fake_now = T0 + 300;
	assert_int_equal(pass(b, other, &f->e), 1);
	assert_int_equal(runs[2], 1);
	/* The late finish of a's claim finds nothing of its own. */
	ASSERT_OK(&f->e,
		  jobs_store_failed(f->s.db, &c, T0 + 301, T0 + 400, false, "late", &kept, &f->e));
	assert_false(kept);
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM job"), 0);
	jobs_claim_release(&c);
	db_close(other);
	jobs_free(a);
	jobs_free(b);
}

static void
test_recurring_job_is_one_row_moved_to_its_next_run(void **state)
{
	struct scratch_fixture *f = *state;
	struct jobs *a = test_jobs(), *b = test_jobs();

	jobs_add_every(a, &count_every, NULL);
	jobs_add_every(b, &count_every, NULL);
	assert_int_equal(pass(a, f->s.db, &f->e) + pass(b, f->s.db, &f->e), 1);
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM job"), 1);
	assert_int_equal(scratch_int64(f->s.db, "SELECT run_at FROM job"), T0 + 600);
	fake_now = T0 + 599;
	assert_int_equal(pass(a, f->s.db, &f->e) + pass(b, f->s.db, &f->e), 0);
	fake_now = T0 + 600;
	assert_int_equal(pass(b, f->s.db, &f->e) + pass(a, f->s.db, &f->e), 1);
	/* The payload "{}" has no "n": the run counts as number 0. */
	assert_int_equal(runs[0], 2);
	assert_int_equal(scratch_int64(f->s.db, "SELECT run_at FROM job WHERE unique_key = "
						"'every:test.count' AND attempts = 0"),
			 T0 + 1200);
	jobs_free(a);
	jobs_free(b);
}

static void
test_job_of_a_rolled_back_transaction_never_runs(void **state)
{
	struct scratch_fixture *f = *state;
	struct jobs *j = test_jobs();

	ASSERT_OK(&f->e, db_begin(f->s.db, &f->e));
	ASSERT_OK(&f->e, job_enqueue(f->s.db, "test.count", 0, "{\"n\": 3}", 0, NULL, &f->e));
	db_rollback(f->s.db);
	fake_now = T0 + 100000000;
	assert_int_equal(pass(j, f->s.db, &f->e), 0);
	assert_int_equal(runs[3], 0);
	assert_int_equal(job_enqueue(f->s.db, "Bad Kind", 0, NULL, 0, NULL, &f->e), ERR_INVALID);
	jobs_free(j);
}

static void
test_unknown_kind_stays_queued(void **state)
{
	struct scratch_fixture *f = *state;
	struct jobs *j = test_jobs();

	ASSERT_OK(&f->e, job_enqueue(f->s.db, "mail.deliver", 0, NULL, 0, NULL, &f->e));
	fake_now = T0 + 100000000;
	assert_int_equal(pass(j, f->s.db, &f->e), 0);
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM job WHERE attempts = 0 "
						"AND state = 'queued'"),
			 1);
	jobs_free(j);
}

struct racer {
	struct scratch_fixture *f;
	struct jobs *j;
	struct db *db;
	int failed;
};

static void *
race(void *arg)
{
	struct racer *r = arg;
	struct err e = {0};

	for (int i = 0; i < 50; i++) {
		int ran = 0;

		if (jobs_run_due(r->j, r->db, &ran, &e) != 0)
			r->failed++;
	}
	return NULL;
}

static void
test_two_instances_racing_run_every_job_exactly_once(void **state)
{
	struct scratch_fixture *f = *state;
	struct racer r[2];
	pthread_t t[2];

	for (int i = 1; i <= N_RACE; i++) {
		char payload[32];

		snprintf(payload, sizeof(payload), "{\"n\": %d}", i);
		ASSERT_OK(&f->e, job_enqueue(f->s.db, "test.count", 0, payload, 1000, NULL, &f->e));
	}
	for (int i = 0; i < 2; i++) {
		r[i] = (struct racer){.f = f, .j = jobs_new(NULL)};
		jobs_add_kind(r[i].j, &count_kind, NULL);
		ASSERT_OK(&f->e, db_open(f->s.url, &r[i].db, &f->e));
	}
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
	for (int i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		db_close(r[i].db);
		jobs_free(r[i].j);
		assert_int_equal(r[i].failed, 0);
	}
	for (int i = 1; i <= N_RACE; i++)
		assert_int_equal(runs[i], 1);
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM job"), 0);
}

static void
test_worker_runs_a_job_soon_after_a_nudge(void **state)
{
	struct scratch_fixture *f = *state;
	struct db_pool *pool = NULL;
	struct jobs *j;
	int waited = 0;

	ASSERT_OK(&f->e, db_pool_new(f->s.url, 2, &pool, &f->e));
	j = jobs_new(pool);
	jobs_add_kind(j, &count_kind, NULL);
	ASSERT_OK(&f->e, jobs_start(j, &f->e));
	ASSERT_OK(&f->e, job_enqueue(f->s.db, "test.count", 0, "{\"n\": 4}", 0, NULL, &f->e));
	jobs_nudge(j);
	for (; waited < 5000; waited += 10) {
		pthread_mutex_lock(&runs_mu);
		int n = runs[4];
		pthread_mutex_unlock(&runs_mu);
		if (n)
			break;
		usleep(10000);
	}
	jobs_free(j);
	db_pool_free(pool);
	assert_int_equal(runs[4], 1);
	assert_true(waited < JOBS_POLL_MS * 2);
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, scratch_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_job_runs_once_when_its_time_has_come),
		TEST(test_failed_job_is_retried_with_backoff_then_dead),
		TEST(test_failed_job_that_names_its_retry_time_waits_until_then),
		TEST(test_permanent_failure_is_dead_at_once),
		TEST(test_backoff_doubles_up_to_an_hour),
		TEST(test_claimed_job_waits_for_the_lease_and_late_holder_changes_nothing),
		TEST(test_recurring_job_is_one_row_moved_to_its_next_run),
		TEST(test_job_of_a_rolled_back_transaction_never_runs),
		TEST(test_unknown_kind_stays_queued),
		TEST(test_two_instances_racing_run_every_job_exactly_once),
		TEST(test_worker_runs_a_job_soon_after_a_nudge),
	};

	return cmocka_run_group_tests(tests, scratch_group_setup, scratch_group_teardown);
}
