#!/usr/bin/env python3
"""Generates Sources/ObservatoryCore/Resources/countries.tsv from Debian's iso-codes
(LGPL-2.1-or-later data, https://salsa.debian.org/iso-codes-team/iso-codes).

    apt-get install iso-codes && python3 tools/gen-countries.py

Columns: alpha-2, alpha-3, the English name used in NGO archives, aliases ("|"-separated).
Run once and commit the output; re-run only when iso-codes changes.
"""
import json, pathlib

SRC = "/usr/share/iso-codes/json/iso_3166-1.json"
OUT = pathlib.Path(__file__).resolve().parent.parent / "Sources/ObservatoryCore/Resources/countries.tsv"

# Names as such archives print them (legacy conventions), where they differ from ISO.
ARCHIVE_NAMES = {
    "CD": "Congo, Democratic Republic", "CG": "Congo, Republic", "LA": "Lao People's Democ. Rep.",
    "KP": "Korea, Democratic People's Rep.", "KR": "Korea, Republic of", "IR": "Iran",
    "SY": "Syrian Arab Republic", "VN": "Viet Nam", "BO": "Bolivia", "VE": "Venezuela",
    "TZ": "Tanzania", "MD": "Moldova", "MK": "North Macedonia", "PS": "Palestine",
    "FM": "Micronesia", "TW": "Taiwan", "GB": "United Kingdom", "US": "United States of America",
    "CI": "Côte d'Ivoire", "TR": "Turkey",
}
# Further legacy spellings met in archives.
EXTRA_ALIASES = {
    "CD": ["Democratic Republic of the Congo", "DRC", "DR Congo", "Congo, Democratic Republic of the", "Zaire"],
    "CG": ["Republic of the Congo", "Congo-Brazzaville"],
    "LA": ["Laos", "Lao PDR", "Lao People's Democratic Republic"],
    "RU": ["Russia"], "SY": ["Syria"], "IR": ["Iran, Islamic Republic of"], "KR": ["South Korea"],
    "KP": ["North Korea"], "GB": ["UK", "Great Britain"], "US": ["USA", "United States"],
    "CI": ["Ivory Coast", "Cote d'Ivoire"], "TR": ["Türkiye", "Turkiye"], "MM": ["Burma"],
    "SZ": ["Swaziland"], "CZ": ["Czech Republic"], "MK": ["Macedonia", "FYROM", "Former Yugoslav Republic of Macedonia"],
    "PS": ["Palestine, State of", "Occupied Palestinian Territory", "Palestinian Territories"],
    "TZ": ["Tanzania, United Republic of"], "VN": ["Vietnam"], "BO": ["Bolivia, Plurinational State of"],
    "VE": ["Venezuela, Bolivarian Republic of"], "MD": ["Moldova, Republic of"], "CV": ["Cape Verde"],
    "TL": ["East Timor"], "BN": ["Brunei"], "FM": ["Micronesia, Federated States of"], "TW": ["Taiwan, Province of China"],
    "EH": ["Western Sahara"], "VA": ["Holy See"],
}

rows = []
for c in json.load(open(SRC))["3166-1"]:
    a2, a3 = c["alpha_2"], c["alpha_3"]
    name = ARCHIVE_NAMES.get(a2, c.get("common_name") or c["name"])
    aliases = [c["name"], c.get("official_name"), c.get("common_name")] + EXTRA_ALIASES.get(a2, [])
    aliases = sorted({a for a in aliases if a and a != name})
    rows.append((a2, a3, name, aliases))
rows.append(("EU", "EUR", "European Union (EU)", ["European Union", "EU"]))
rows.sort()
with open(OUT, "w", encoding="utf-8") as f:
    f.write("# alpha2\talpha3\tname\taliases — from Debian iso-codes (LGPL-2.1-or-later); see tools/gen-countries.py\n")
    for a2, a3, name, aliases in rows:
        f.write(f"{a2}\t{a3}\t{name}\t{'|'.join(aliases)}\n")
print(f"wrote {len(rows)} countries to {OUT}")
