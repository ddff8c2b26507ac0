#!/usr/bin/env python3
# Regenerate data/demo/tenants.json from the Destatis Gemeindeverzeichnis and data/demo/contacts.json.
# SPDX-License-Identifier: EUPL-1.2
"""Build the demo tenants (Landkreis Lüneburg network + Stadt Lünen).

Usage:
  scripts/demo-data.py GEMEINDEVERZEICHNIS_DIR [--contacts FILE] [-o FILE]
  scripts/demo-data.py GEMEINDEVERZEICHNIS_DIR --check data/demo/tenants.json
  scripts/demo-data.py GEMEINDEVERZEICHNIS_DIR --contrast

GEMEINDEVERZEICHNIS_DIR holds gemeinden.csv, gemeindeverbaende.csv and
kreise.csv (Destatis GV100AD converted to CSV, see its README.md).

Names, ARS, kinds, parents, populations and Samtgemeinde members come from the
register; the contact blocks are copied unchanged from the contacts file
(keyed by slug, each entry with its sources); theme colours and logo texts are
the demo choices below, each checked for at least 4.5:1 contrast against white
text.  Writes the JSON to stdout unless -o is given; --check compares with an
existing file and exits 1 on any difference.  Python 3 standard library only.
"""
import argparse
import csv
import json
import os
import sys
import unicodedata

NETWORK_KREIS = "03355"  # Landkreis Lüneburg: the portal network and its members
# Stadt Lünen (Kreis Unna), Stadt Detmold (Kreis Lippe), Stadt Espelkamp (Kreis
# Minden-Lübbecke): verbandsfreie Gemeinden without a parent.
STANDALONE_ARS = ["059780024024", "057660020020", "057700008008"]
# Amt Neustadt-Glewe (Ludwigslust-Parchim, MV) and its member Stadt
# Neustadt-Glewe, which keeps a portal of its own.
AMT_VERBAND = "130765660"
AMT_MEMBER_ARS = "130765660105"
LANGUAGES = ["de", "en"]
CONTACT_KEYS = ["street", "postal_code", "city", "phone", "email", "web"]
MIN_CONTRAST = 4.5

# slug -> (primary colour, logo text).  Demo choices, not the authorities'
# corporate design.
THEMES = {
    "landkreis-lueneburg": ("#1F4E79", "LK Lüneburg"),
    "adendorf": ("#2E6B30", "Adendorf"),
    "bleckede": ("#005A9C", "Bleckede"),
    "hansestadt-lueneburg": ("#A3161A", "Lüneburg"),
    "amt-neuhaus": ("#1B5E63", "Amt Neuhaus"),
    "samtgemeinde-amelinghausen": ("#5B3A8C", "SG Amelinghausen"),
    "samtgemeinde-bardowick": ("#7A2E2E", "SG Bardowick"),
    "samtgemeinde-dahlenburg": ("#2F5D8A", "SG Dahlenburg"),
    "samtgemeinde-gellersen": ("#1E5C3A", "SG Gellersen"),
    "samtgemeinde-ilmenau": ("#0F5A78", "SG Ilmenau"),
    "samtgemeinde-ostheide": ("#6B4E16", "SG Ostheide"),
    "samtgemeinde-scharnebeck": ("#3D4F7A", "SG Scharnebeck"),
    "luenen": ("#B3001B", "Lünen"),
    "detmold": ("#7B1F3A", "Detmold"),
    "espelkamp": ("#1D4F91", "Espelkamp"),
    "amt-neustadt-glewe": ("#35556B", "Amt Neustadt-Glewe"),
    "neustadt-glewe": ("#2B5F4A", "Neustadt-Glewe"),
}

KREIS_PREFIX = {"43": "Kreis", "44": "Landkreis", "45": "Regionalverband"}
STADT_TYPES = {"61", "62", "63", "67"}  # kreisfreie Stadt, Stadtkreis, Stadt, Große Kreisstadt
VERBANDSFREI = "50"
AMT = "51"
SAMTGEMEINDE = "52"


def fail(msg):
    sys.exit("demo-data: " + msg)


def read_csv(directory, name):
    path = os.path.join(directory, name)
    try:
        with open(path, encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))
    except OSError as e:
        fail(f"{path}: {e.strerror}")


def slugify(text):
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("Ä", "Ae"), ("Ö", "Oe"),
                 ("Ü", "Ue"), ("ß", "ss")):
        text = text.replace(a, b)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out, dash = [], False
    for ch in text.lower():
        if ch.isalnum():
            out.append(ch)
            dash = False
        elif not dash and out:
            out.append("-")
            dash = True
    return "".join(out).strip("-")


def base_name(official):
    """'Bardowick, Flecken' -> 'Bardowick'; 'Hohnstorf (Elbe)' stays."""
    return official.split(", ")[0]


def gemeinde_display(row):
    """'Lüneburg, Hansestadt' -> 'Hansestadt Lüneburg'; 'Adendorf' -> 'Gemeinde Adendorf'."""
    if ", " in row["name"]:
        base, suffix = row["name"].split(", ", 1)
        return f"{suffix} {base}"
    return f"Gemeinde {row['name']}"


def tenant_slug(display):
    """Drop the generic 'Stadt '/'Gemeinde ' so 'Stadt Lünen' -> 'luenen'."""
    for prefix in ("Stadt ", "Gemeinde "):
        if display.startswith(prefix):
            display = display[len(prefix):]
            break
    return slugify(display)


def relative_luminance(colour):
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_with_white(colour):
    return 1.05 / (relative_luminance(colour) + 0.05)


def tenant(slug, name, kind, ars, parent, population):
    colour, logo = THEMES.get(slug, (None, None))
    if colour is None:
        fail(f"no theme for slug '{slug}'")
    return {
        "slug": slug,
        "name": name,
        "kind": kind,
        "ars": ars,
        "parent": parent,
        "population": population,
        "languages": list(LANGUAGES),
        "theme": {"primary": colour, "logo_text": logo},
        "contact": None,  # filled from the contacts file
    }


def build(directory):
    """Return [(tenant, seat postal code from the register)] in output order."""
    gemeinden = read_csv(directory, "gemeinden.csv")
    verbaende = {r["verband"]: r for r in read_csv(directory, "gemeindeverbaende.csv")}
    kreise = {r["kreis"]: r for r in read_csv(directory, "kreise.csv")}
    by_ars = {r["ars"]: r for r in gemeinden}

    kreis = kreise.get(NETWORK_KREIS) or fail(f"kreis {NETWORK_KREIS} not in kreise.csv")
    prefix = KREIS_PREFIX.get(kreis["typ"]) or fail(f"kreis typ {kreis['typ']} not supported")
    in_kreis = [r for r in gemeinden if r["kreis"] == NETWORK_KREIS]
    if not in_kreis:
        fail(f"no Gemeinden in kreis {NETWORK_KREIS}")

    def seat_plz(seat_name):
        hits = [r["plz"] for r in in_kreis if base_name(r["name"]) == seat_name]
        return hits[0] if len(hits) == 1 else ""

    network_name = f"{prefix} {kreis['name']}"
    network_slug = slugify(network_name)
    out = [(tenant(network_slug, network_name, "portal_network", NETWORK_KREIS + "0000000",
                   None, sum(int(r["einwohner"]) for r in in_kreis)),
            seat_plz(kreis["sitz_verwaltung"]))]

    members = {}
    for r in in_kreis:
        members.setdefault(r["verband"], []).append(r)
    for key in sorted(members):
        rows = sorted(members[key], key=lambda r: r["ars"])
        verband = verbaende.get(key) or fail(f"verband {key} not in gemeindeverbaende.csv")
        if verband["typ"] == VERBANDSFREI:
            if len(rows) != 1:
                fail(f"verbandsfreie Gemeinde {key} has {len(rows)} Gemeinden")
            row = rows[0]
            name = gemeinde_display(row)
            kind = "stadt" if row["typ"] in STADT_TYPES else "gemeinde"
            t = tenant(tenant_slug(name), name, kind, row["ars"], network_slug,
                       int(row["einwohner"]))
            out.append((t, row["plz"]))
        elif verband["typ"] == SAMTGEMEINDE:
            name = f"Samtgemeinde {verband['name']}"
            t = tenant(tenant_slug(name), name, "samtgemeinde", key + "000", network_slug,
                       sum(int(r["einwohner"]) for r in rows))
            t["members"] = [{"name": r["name"], "display_name": base_name(r["name"]),
                             "ars": r["ars"]} for r in rows]
            out.append((t, seat_plz(verband["sitz_verwaltung"])))
        else:
            fail(f"verband {key}: typ {verband['typ']} not supported")

    for ars in STANDALONE_ARS:
        row = by_ars.get(ars) or fail(f"ARS {ars} not in gemeinden.csv")
        if row["verband_typ"] != VERBANDSFREI:
            fail(f"ARS {ars} is not a verbandsfreie Gemeinde")
        name = gemeinde_display(row)
        kind = "stadt" if row["typ"] in STADT_TYPES else "gemeinde"
        out.append((tenant(tenant_slug(name), name, kind, ars, None, int(row["einwohner"])),
                    row["plz"]))

    # An Amt is stored with kind "samtgemeinde": both run their members' administration.
    verband = verbaende.get(AMT_VERBAND) or fail(f"verband {AMT_VERBAND} not found")
    if verband["typ"] != AMT:
        fail(f"verband {AMT_VERBAND} is not an Amt")
    rows = sorted((r for r in gemeinden if r["verband"] == AMT_VERBAND), key=lambda r: r["ars"])
    amt_name = f"Amt {verband['name']}"
    amt = tenant(slugify(amt_name), amt_name, "samtgemeinde", AMT_VERBAND + "000", None,
                 sum(int(r["einwohner"]) for r in rows))
    amt["members"] = [{"name": r["name"], "display_name": base_name(r["name"]),
                       "ars": r["ars"]} for r in rows]
    seat = [r["plz"] for r in rows if base_name(r["name"]) == verband["sitz_verwaltung"]]
    out.append((amt, seat[0] if len(seat) == 1 else ""))
    row = by_ars.get(AMT_MEMBER_ARS) or fail(f"ARS {AMT_MEMBER_ARS} not in gemeinden.csv")
    if row["verband"] != AMT_VERBAND:
        fail(f"ARS {AMT_MEMBER_ARS} is not a member of {amt_name}")
    name = gemeinde_display(row)
    out.append((tenant(tenant_slug(name), name, "stadt", AMT_MEMBER_ARS, amt["slug"],
                       int(row["einwohner"])), row["plz"]))
    return out


def merge_contacts(pairs, path):
    try:
        with open(path, encoding="utf-8") as f:
            contacts = json.load(f)
    except (OSError, ValueError) as e:
        fail(f"{path}: {e}")
    slugs = [t["slug"] for t, _ in pairs]
    if len(set(slugs)) != len(slugs):
        fail("duplicate slugs: " + ", ".join(sorted({s for s in slugs if slugs.count(s) > 1})))
    missing = [s for s in slugs if s not in contacts]
    extra = sorted(set(contacts) - set(slugs))
    if missing or extra:
        fail(f"{path}: missing {missing or 'none'}, unknown {extra or 'none'}")
    if set(THEMES) != set(slugs):
        fail(f"THEMES and tenants differ: {sorted(set(THEMES) ^ set(slugs))}")
    for t, plz in pairs:
        c = contacts[t["slug"]].get("contact")
        if not isinstance(c, dict) or sorted(c) != sorted(CONTACT_KEYS) or \
                not all(isinstance(c[k], str) for k in CONTACT_KEYS):
            fail(f"{path}: '{t['slug']}': contact needs exactly the string keys {CONTACT_KEYS}")
        t["contact"] = {k: c[k] for k in CONTACT_KEYS}
        if c["postal_code"] and plz and c["postal_code"] != plz:
            print(f"demo-data: warning: {t['slug']}: postal code {c['postal_code']} differs "
                  f"from the register's {plz} for the administration seat", file=sys.stderr)


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("gemeindeverzeichnis", help="directory with gemeinden.csv etc.")
    p.add_argument("--contacts", default=os.path.join(root, "data", "demo", "contacts.json"))
    p.add_argument("-o", "--output", help="write here instead of stdout")
    p.add_argument("--check", metavar="FILE", help="compare with FILE, exit 1 if different")
    p.add_argument("--contrast", action="store_true",
                   help="print each theme colour's contrast ratio against white")
    args = p.parse_args()

    for slug, (colour, _) in THEMES.items():
        ratio = contrast_with_white(colour)
        if ratio < MIN_CONTRAST:
            fail(f"{slug}: {colour} has only {ratio:.2f}:1 against white")
    if args.contrast:
        for slug, (colour, _) in THEMES.items():
            print(f"{slug}\t{colour}\t{contrast_with_white(colour):.2f}:1")
        return 0

    pairs = build(args.gemeindeverzeichnis)
    merge_contacts(pairs, args.contacts)
    text = json.dumps({"tenants": [t for t, _ in pairs]}, ensure_ascii=False, indent=2) + "\n"

    if args.check:
        with open(args.check, encoding="utf-8") as f:
            same = f.read() == text
        print(f"demo-data: {args.check} {'is up to date' if same else 'differs'}",
              file=sys.stderr)
        return 0 if same else 1
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
