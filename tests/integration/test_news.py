# SPDX-License-Identifier: EUPL-1.2
"""News and the newsletter: articles through the editorial workflow (invisible
until published, four eyes, scheduled, expiry, history), tenant isolation with
forged slugs, the list with paging and category filter, the Atom feed
(feed_check.py), schema.org NewsArticle, a network listing its members'
articles, hostile Markdown, and the newsletter's double opt-in, one-click
unsubscribe (RFC 8058, no CSRF token) and issues sent through the outbox."""
import email
import email.policy
import os
import re
import subprocess
import time
import urllib.parse

from harness import (SHARE, Server, Suite, check, cookies_of, db_rows, eventually, hidden, run_cli,
                     staff_login)
from smtp_sink import SmtpSink

CITY = "/t/luenen"
NETWORK = "/t/landkreis-lueneburg"
MEMBER = "/t/hansestadt-lueneburg"
PUBLIC = "https://portal.example.de"
PASSWORD = "ein-langes-Passwort-123"
SESSIONS = {}


class Staff:
    def __init__(self, s, base, email_addr, password):
        self.s, self.base = s, base
        r, _ = staff_login(s, base, email_addr, password)
        check(r.status == 303, ("login", email_addr, r.status))
        self.jar = cookies_of(r)
        self.csrf = hidden(self.get("/verwaltung").text, "_csrf")

    def get(self, path):
        h = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.jar.items())}
        return self.s.get(self.base + path, headers=h)

    def post(self, path, fields):
        return self.s.post_form(self.base + path, dict(fields, _csrf=self.csrf), cookies=self.jar)


def staff(s, who, base=CITY):
    if (who, base) not in SESSIONS:
        if who == "admin":
            SESSIONS[who, base] = Staff(s, base, "demo@rathaus.example", s.demo_password)
        else:
            run_cli(["user", "add", "--email", f"{who}@rathaus.example", "--tenant",
                     base.split("/")[-1], "--name", who.title(), "--role", "editor"], s.db,
                    stdin=PASSWORD + "\n")
            SESSIONS[who, base] = Staff(s, base, f"{who}@rathaus.example", PASSWORD)
    return SESSIONS[who, base]


def article(title="Neue Meldung", **fields):
    f = {"title": title, "teaser": "Kurz gesagt.", "body": "Ein **Text**.", "image": "",
         "image_alt": "", "categories": "Verkehr", "expires": "", "publish_at": "",
         "kommentar": ""}
    f.update(fields)
    return f


def create(st, title):
    r = st.post("/verwaltung/aktuelles", {"title": title})
    check(r.status == 303, ("create", r.status, r.text[:300]))
    slug = r.header("Location").rsplit("/", 1)[-1]
    check(re.fullmatch(r"[a-z0-9-]+", slug), slug)
    return slug


def act(st, slug, aktion, **fields):
    return st.post(f"/verwaltung/aktuelles/{slug}", dict(article(**fields), aktion=aktion))


def public(s, slug, base=CITY):
    return s.get(f"{base}/aktuelles/{slug}")


def published(s, title, categories="Verkehr", base=CITY, **fields):
    adm = staff(s, "admin", base)
    slug = create(adm, title)
    r = act(adm, slug, "veroeffentlichen", title=title, categories=categories, **fields)
    check(r.status == 303, ("publish", r.status, r.text[:500]))
    return slug


def test_article_is_invisible_until_published_with_four_eyes(s):
    anna, ben = staff(s, "anna"), staff(s, "ben")
    slug = create(anna, "Sperrung der Marktstraße")
    check(public(s, slug).status == 404, "new article public")
    check(act(anna, slug, "speichern", title="Sperrung der Marktstraße").status == 303, "save")
    check(public(s, slug).status == 404, "draft public")
    check("Sperrung der Marktstraße" not in s.get(CITY + "/aktuelles").text, "draft in list")
    check("Sperrung der Marktstraße" not in s.get(CITY + "/aktuelles/feed.atom").text, "feed")
    check(act(anna, slug, "einreichen", title="Sperrung der Marktstraße").status == 303, "sub")
    check(public(s, slug).status == 404, "review public")
    r = act(anna, slug, "veroeffentlichen", title="Sperrung der Marktstraße")
    check(r.status == 403, ("own publish", r.status))
    r = act(ben, slug, "veroeffentlichen", title="Sperrung der Marktstraße")
    check(r.status == 303, ("four eyes publish", r.status, r.text[:300]))
    p = public(s, slug)
    check(p.status == 200 and "Sperrung der Marktstraße" in p.text, p.status)
    check("<strong>Text</strong>" in p.text, "markdown rendered")
    check("Sperrung der Marktstraße" in s.get(CITY + "/aktuelles").text, "in list")
    h = anna.get(f"/verwaltung/aktuelles/{slug}/versionen")
    check(h.status == 200 and "<ins" in h.text, ("history", h.status))
    check("Sperrung der Marktstraße" in anna.get("/verwaltung/aktuelles").text, "staff list")


def test_scheduled_publication_appears_when_due_and_expiry_hides_it(s):
    adm = staff(s, "admin")
    slug = create(adm, "Geplante Meldung")
    later = time.strftime("%Y-%m-%dT%H:%M", time.localtime(time.time() + 7200))
    r = act(adm, slug, "veroeffentlichen", title="Geplante Meldung", publish_at=later)
    check(r.status == 303, r.status)
    check(public(s, slug).status == 404, "scheduled public")
    db_rows(s, "UPDATE revision SET publish_at = publish_at - 10000 WHERE kind = 'news' AND "
               f"subject = '{slug}' AND state = 'scheduled'")
    # Looked for at most once a second per process without the page cache.
    eventually(lambda: public(s, slug).status == 200, "due publication not shown", timeout=3)
    r = act(adm, slug, "veroeffentlichen", title="Geplante Meldung", expires="2020-01-01T00:00")
    check(r.status == 303, r.status)
    check(public(s, slug).status == 404, "expired article shown")
    check("Geplante Meldung" not in s.get(CITY + "/aktuelles").text, "expired in list")
    check("Geplante Meldung" not in s.get(CITY + "/aktuelles/feed.atom").text, "expired in feed")


def test_forged_slugs_of_another_tenant_find_nothing(s):
    slug = published(s, "Nur für Lünen")
    check(public(s, slug, "/t/adendorf").status == 404, "other tenant's public page")
    check("Nur für Lünen" not in s.get("/t/adendorf/aktuelles").text, "other tenant's list")
    other = staff(s, "admin", "/t/adendorf")
    check(other.get(f"/verwaltung/aktuelles/{slug}").status == 404, "edit form")
    check(other.get(f"/verwaltung/aktuelles/{slug}/versionen").status == 404, "history")
    r = act(other, slug, "veroeffentlichen", title="Übernommen")
    check(r.status == 404, ("forged publish", r.status))
    check("Übernommen" not in public(s, slug).text, "changed by another tenant")
    check(public(s, "../../etc").status == 404, "path")


def test_list_pages_and_filters_by_category(s):
    r = s.get(CITY + "/aktuelles")
    check(r.status == 200, r.status)
    items = re.findall(r'<li class="news-item">', r.text)
    check(len(items) == 10, len(items))
    check('rel="next"' in r.text, "next link")
    r2 = s.get(CITY + "/aktuelles?seite=2")
    check(r2.status == 200 and 'rel="prev"' in r2.text, r2.status)
    check(len(re.findall(r'<li class="news-item">', r2.text)) >= 1, "second page")
    v = s.get(CITY + "/aktuelles?kategorie=verkehr")
    check(v.status == 200 and "Brückensanierung" in v.text, v.status)
    check("Stadtbücherei" not in v.text and "Ferienprogramm" not in v.text, "filter leaks")
    check('<option value="verkehr" selected>' in v.text, "selected option")
    check(s.get(CITY + "/aktuelles?kategorie=gibtsnicht").status == 200, "unknown category")
    for bad in ("seite=0", "seite=abc", "seite=99999999999", "kategorie=%3Cscript%3E",
                "kategorie=Verkehr"):
        check(s.get(CITY + "/aktuelles?" + bad).status == 400, bad)


def test_atom_feed_is_advertised_and_valid(s):
    page = s.get(CITY + "/aktuelles").text
    m = re.search(r'<link rel="alternate" type="application/atom\+xml" href="([^"]+)"[^>]*>', page)
    check(m, "feed link in the head")
    check(m.group(1) == PUBLIC + CITY + "/aktuelles/feed.atom", m.group(1))
    head = page.split("</head>")[0]
    check(m.group(0) in head, "link not in head")
    check(m.group(0) in s.get(CITY + "/").text, "home page advertises the feed")
    r = s.get(CITY + "/aktuelles/feed.atom")
    check(r.status == 200 and r.header("Content-Type").startswith("application/atom+xml"),
          (r.status, r.header("Content-Type")))
    check(PUBLIC + CITY + "/aktuelles/" in r.text, "absolute entry URLs")
    tool = os.path.join(SHARE, "tests", "tools", "feed_check.py")
    p = subprocess.run(["python3", tool, f"http://127.0.0.1:{s.port}{CITY}/aktuelles/feed.atom",
                        f"http://127.0.0.1:{s.port}{NETWORK}/aktuelles/feed.atom"],
                       capture_output=True, text=True)
    check(p.returncode == 0, p.stdout[-1500:] + p.stderr[-500:])


def test_article_has_valid_schema_org_news_article(s):
    r = s.get(CITY + "/aktuelles/buergerbuero-neue-oeffnungszeiten")
    check(r.status == 200 and '"@type":"NewsArticle"' in r.text.replace(" ", ""), r.status)
    tool = os.path.join(SHARE, "tests", "tools", "schemaorg_check.mjs")
    p = subprocess.run(["node", tool, f"http://127.0.0.1:{s.port}{CITY}/aktuelles/"
                        "buergerbuero-neue-oeffnungszeiten"], capture_output=True, text=True)
    check(p.returncode == 0, p.stdout[-1500:] + p.stderr[-500:])


def test_home_page_shows_the_newest_three_articles(s):
    r = s.get(CITY + "/")
    part = r.text.split('id="news"', 1)[-1].split("</section>", 1)[0]
    check(len(re.findall(r'href="/t/luenen/aktuelles/[a-z0-9-]+"', part)) == 3, part[:800])


def test_search_finds_articles(s):
    r = s.get(CITY + "/suche?q=Onleihe")
    check(r.status == 200 and "/t/luenen/aktuelles/stadtbuecherei-onleihe" in r.text, r.status)
    r = s.get("/t/adendorf/suche?q=Onleihe")
    check("stadtbuecherei-onleihe" not in r.text, "another tenant's article found")


def test_network_lists_its_members_articles(s):
    slug = published(s, "Meldung der Hansestadt", base=MEMBER)
    r = s.get(NETWORK + "/aktuelles")
    check("Meldung der Hansestadt" in r.text, "member article missing at the network")
    check(f'href="{MEMBER}/aktuelles/{slug}"' in r.text, "link to the member's page")
    check("Meldung der Hansestadt" not in s.get(CITY + "/aktuelles").text, "leak to Lünen")
    check("Meldung der Hansestadt" in s.get(NETWORK + "/aktuelles/feed.atom").text, "feed")


def test_hostile_markdown_and_titles_are_neutralised(s):
    body = ("<script>alert(1)</script>\n\n[klick](javascript:alert(2))\n\n"
            "<img src=x onerror=alert(3)>\n\n<iframe src=//evil.example></iframe>")
    slug = published(s, "<b>Fett</b> & \"Zitat\"", body=body, teaser="<i>t</i>",
                     categories="<x>, Kultur")
    p = public(s, slug)
    check(p.status == 200, p.status)
    for bad in ("<script>alert", "javascript:", "onerror", "<iframe", "<b>Fett", "<i>t"):
        check(bad not in p.text, bad)
    check("&lt;b&gt;Fett&lt;/b&gt;" in p.text, "escaped title")
    f = s.get(CITY + "/aktuelles/feed.atom").text
    check("<b>Fett" not in f and "&lt;b&gt;Fett" in f, "feed escaping")
    adm = staff(s, "admin")
    r = act(adm, slug, "speichern", title="x\u0007y")
    check(r.status in (400, 422), ("control character", r.status))
    r = act(adm, slug, "speichern", title="ok", image="nichtda", image_alt="")
    check(r.status == 422, ("unknown image", r.status))
    r = act(adm, slug, "speichern", title="ok", categories="a,b,c,d,e,f")
    check(r.status == 422, ("too many categories", r.status))
    check(adm.post("/verwaltung/aktuelles", {"title": ""}).status == 422, "empty title")


# ---- Newsletter -------------------------------------------------------------

def wait_for(cond, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(0.2)
    return cond()


def mails_to(sink, addr):
    out = []
    for _, rcpts, raw in sink.received():
        if rcpts == [f"<{addr}>"]:
            out.append(email.message_from_bytes(raw, policy=email.policy.default))
    return out


def body_of(msg):
    return msg.get_body(preferencelist=("plain",)).get_content()


def subscribe(s, addr, consent="1"):
    r = s.get(CITY + "/newsletter")
    check(r.status == 200, r.status)
    jar, token = cookies_of(r), hidden(r.text, "_csrf")
    fields = {"_csrf": token, "email": addr}
    if consent:
        fields["consent"] = consent
    return s.post_form(CITY + "/newsletter", fields, cookies=jar)


def confirm_token(sink, addr):
    check(wait_for(lambda: len(mails_to(sink, addr)) >= 1), "no confirmation mail")
    m = re.search(r"/newsletter/bestaetigen\?token=([A-Za-z0-9_-]+)", body_of(mails_to(sink, addr)[-1]))
    check(m, "confirmation link")
    return m.group(1)


def confirm(s, token):
    r = s.get(CITY + "/newsletter/bestaetigen?token=" + token)
    if r.status != 200:
        return r
    return s.post_form(CITY + "/newsletter/bestaetigen",
                       {"_csrf": hidden(r.text, "_csrf"), "token": token}, cookies=cookies_of(r))


def send_issue(s, slug="buergerbuero-neue-oeffnungszeiten"):
    r = staff(s, "admin").post("/verwaltung/newsletter", {"artikel": slug})
    check(r.status == 303, ("send issue", r.status, r.text[:300]))
    check(wait_for(lambda: db_rows(s, "SELECT count(*) FROM newsletter_issue WHERE done_at = 0")
                   == [("0",)]), "issue not done")


def test_double_opt_in_mails_only_confirmed_addresses(s, sink):
    check(subscribe(s, "ohne@example.org", consent=None).status == 422, "consent required")
    check(subscribe(s, "kein-mail", consent="1").status == 422, "bad address")
    check(subscribe(s, "offen@example.org").status == 200, "subscribe")
    check(subscribe(s, "Bestaetigt@Example.org").status == 200, "subscribe")
    token = confirm_token(sink, "bestaetigt@example.org")
    confirm_token(sink, "offen@example.org")
    check(not db_rows(s, "SELECT 1 FROM newsletter_subscriber WHERE confirm_hash = "
                         f"'{token}'"), "raw token stored")
    r = confirm(s, token)
    check(r.status == 200, ("confirm", r.status))
    row = db_rows(s, "SELECT state, consent_version, consent_at > 0 FROM newsletter_subscriber "
                     "WHERE email = 'bestaetigt@example.org'")
    check(row and row[0][0] == "confirmed" and row[0][1] == "2026-12-01", row)
    check(confirm(s, token).status == 404, "token reused")
    send_issue(s)
    check(wait_for(lambda: len(mails_to(sink, "bestaetigt@example.org")) == 2), "issue mail")
    time.sleep(1)
    check(len(mails_to(sink, "offen@example.org")) == 1, "unconfirmed address got the issue")
    issue = mails_to(sink, "bestaetigt@example.org")[-1]
    check("Bürgerbüro" in issue["Subject"], issue["Subject"])
    check(issue["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click", "RFC 8058 header")
    check(re.fullmatch(r"<https://portal\.example\.de/t/luenen/newsletter/abmelden\?token="
                       r"[A-Za-z0-9_-]+>", issue["List-Unsubscribe"]), issue["List-Unsubscribe"])
    check("<img" not in issue.get_body(preferencelist=("html",)).get_content(), "pixel")


def test_expired_confirmation_token_is_refused(s, sink):
    subscribe(s, "spaet@example.org")
    token = confirm_token(sink, "spaet@example.org")
    db_rows(s, "UPDATE newsletter_subscriber SET confirm_expires = 1 "
               "WHERE email = 'spaet@example.org'")
    check(confirm(s, token).status == 404, "expired token")
    check(confirm(s, "x" * 43).status == 404, "unknown token")
    check(confirm(s, "<script>").status == 404, "malformed token")


def test_one_click_unsubscribe_works_without_csrf(s, sink):
    subscribe(s, "weg@example.org")
    check(confirm(s, confirm_token(sink, "weg@example.org")).status == 200, "confirm")
    send_issue(s, "stadtbuecherei-onleihe")
    check(wait_for(lambda: len(mails_to(sink, "weg@example.org")) == 2), "issue mail")
    url = mails_to(sink, "weg@example.org")[-1]["List-Unsubscribe"].strip("<>")
    path = urllib.parse.urlsplit(url)
    target = path.path + "?" + path.query
    r = s.request("POST", target, body="List-Unsubscribe=One-Click",
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    check(r.status == 200, ("one-click", r.status, r.text[:300]))
    check(db_rows(s, "SELECT state FROM newsletter_subscriber WHERE email = 'weg@example.org'")
          == [("unsubscribed",)], "still subscribed")
    check(s.request("POST", target, body="List-Unsubscribe=One-Click",
                    headers={"Content-Type": "application/x-www-form-urlencoded"}).status == 200,
          "repeat")
    check(s.request("POST", CITY + "/newsletter/abmelden?token=" + "y" * 43,
                    body="List-Unsubscribe=One-Click").status == 404, "unknown token")
    check(s.request("POST", "/t/adendorf" + target[len(CITY):],
                    body="List-Unsubscribe=One-Click").status == 404, "other tenant")
    send_issue(s)
    time.sleep(1)
    check(len(mails_to(sink, "weg@example.org")) == 2, "mail after unsubscribing")


if __name__ == "__main__":
    sink = SmtpSink()
    suite = Suite()
    env = {"RATHAUS_SMTP_URL": sink.url, "RATHAUS_PUBLIC_URL": PUBLIC + "/",
           "RATHAUS_MAIL_FROM": "post@luenen.example"}
    s = Server(env=env)
    try:
        suite.run([v for k, v in sorted(globals().items())
                   if k.startswith("test_") and v.__code__.co_argcount == 1], s)
        suite.run([v for k, v in sorted(globals().items())
                   if k.startswith("test_") and v.__code__.co_argcount == 2], s, sink)
    finally:
        try:
            s.stop()
        except Exception as ex:
            print(f"FAIL server stop: {ex}")
            suite.failed += 1
        sink.stop()
    suite.finish()
