# SPDX-License-Identifier: EUPL-1.2
"""The command line: help, usage errors, configuration, migrate, import, user, backup."""
import json
import os
import sqlite3
import tempfile

from harness import BIN, Suite, check, fresh_db, run_cli

COMMANDS = ["serve", "migrate", "demo", "import", "user", "backup", "search-eval", "check-config",
            "jobs", "mail"]


def test_help_lists_every_command():
    p = run_cli(["--help"], "sqlite:/nonexistent/x.db")
    for c in COMMANDS:
        check(c in p.stdout, c)


def test_every_command_has_help():
    for c in COMMANDS:
        p = run_cli([c, "--help"], "sqlite:/nonexistent/x.db")
        check(p.returncode == 0 and p.stdout.startswith("Usage: rathaus " + c), (c, p.stdout))


def test_unknown_command_and_option_are_usage_errors():
    for args in (["frobnicate"], ["--frob"], []):
        p = run_cli(args, "sqlite:/x", check=False)
        check(p.returncode == 2 and "rathaus" in p.stderr, (args, p.returncode, p.stderr))


def test_bad_configuration_is_reported_with_its_source():
    p = run_cli(["migrate"], "sqlite:/x", env={"RATHAUS_LISTEN": "nohostport"}, check=False)
    check(p.returncode == 2 and "RATHAUS_LISTEN" in p.stderr, p.stderr)
    with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as f:
        f.write("# comment\nthreads = 4\ncolour = blue\n")
    p = run_cli(["--config", f.name, "migrate"], "sqlite:/x", check=False)
    check(p.returncode == 2 and ":3:" in p.stderr and "colour" in p.stderr, p.stderr)


def test_check_config_masks_the_database_password():
    p = run_cli(["check-config"], "postgresql://rathaus:geheim@127.0.0.1:1/none", check=False)
    check("geheim" not in p.stdout + p.stderr, p.stdout)
    check("postgresql://rathaus:***@127.0.0.1:1/none" in p.stdout, p.stdout)
    check(p.returncode == 1, "the unreachable database fails the check")


def test_migrate_twice_is_a_no_op():
    db = fresh_db()
    first = run_cli(["migrate"], db)
    second = run_cli(["migrate"], db)
    check("applied" in first.stderr and "applied" not in second.stderr, second.stderr)


def test_import_rejects_a_bad_file_and_keeps_nothing():
    db = fresh_db()
    run_cli(["migrate"], db)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({"tenants": [
            {"slug": "gut", "name": "Gute Gemeinde", "kind": "gemeinde", "ars": ""},
            {"slug": "Schlecht!", "name": "X", "kind": "gemeinde", "ars": ""}]}, f)
    p = run_cli(["import", "tenants", f.name], db, check=False)
    check(p.returncode == 1 and "Schlecht!" in p.stderr, p.stderr)
    p = run_cli(["import", "tenants", "/nonexistent.json"], db, check=False)
    check(p.returncode == 1, p.returncode)
    p = run_cli(["import", "leistungen-xyz", f.name], db, check=False)
    check(p.returncode == 2 and "unknown kind" in p.stderr, p.stderr)


def test_user_add_needs_a_strong_password_and_a_known_tenant():
    db = fresh_db()
    run_cli(["demo"], db)
    base = ["user", "add", "--email", "a@b.example", "--tenant", "luenen"]
    p = run_cli(base, db, stdin="kurz\n", check=False)
    check(p.returncode == 1 and "12" in p.stderr, p.stderr)
    p = run_cli(["user", "add", "--email", "a@b.example", "--tenant", "nirgends"], db,
                stdin="ein langes Passwort\n", check=False)
    check(p.returncode == 1 and "nirgends" in p.stderr, p.stderr)
    p = run_cli(base + ["--role", "chef"], db, stdin="ein langes Passwort\n", check=False)
    check(p.returncode == 2, p.stderr)
    p = run_cli(base + ["--role", "admin"], db, stdin="ein langes Passwort\n")
    check("admin of luenen" in p.stdout, p.stdout)


def test_backup_copies_a_sqlite_database():
    db = fresh_db()
    if not db.startswith("sqlite:"):
        p = run_cli(["backup", "/tmp/x"], db, check=False)
        check(p.returncode == 2 and "pg_dump" in p.stderr, p.stderr)
        return
    run_cli(["demo"], db)
    out = os.path.join(tempfile.mkdtemp(), "copy.db")
    run_cli(["backup", out], db)
    n = sqlite3.connect(out).execute("SELECT count(*) FROM tenant").fetchone()[0]
    check(n == 17, n)
    p = run_cli(["backup", out], db, check=False)
    check(p.returncode == 1, "an existing file is not overwritten")


def main():
    check(os.path.exists(BIN), BIN)
    suite = Suite()
    suite.run([v for k, v in sorted(globals().items()) if k.startswith("test_")])
    suite.finish()


if __name__ == "__main__":
    main()
