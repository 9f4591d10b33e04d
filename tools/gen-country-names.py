#!/usr/bin/env python3
"""Generates Sources/ObservatoryCore/Resources/country-names.tsv: each country's name in French, Spanish and
Arabic, from Debian's iso-codes translations (LGPL-2.1-or-later data).

    apt-get install iso-codes && python3 tools/gen-country-names.py

Columns: alpha-2, then for fr, es, ar: "name|alias|alias" (the short common name first, then the ISO name and
the official name when they differ). Run once and commit the output.
"""
import gettext, json, pathlib

SRC = "/usr/share/iso-codes/json/iso_3166-1.json"
OUT = pathlib.Path(__file__).resolve().parent.parent / "Sources/ObservatoryCore/Resources/country-names.tsv"
LANGUAGES = ["fr", "es", "ar"]
EUROPEAN_UNION = {"fr": "Union européenne (UE)|Union européenne|UE", "es": "Unión Europea (UE)|Unión Europea|UE",
                  "ar": "الاتحاد الأوروبي|الاتحاد الأوروبي (EU)"}


def main():
    countries = json.load(open(SRC))["3166-1"]
    catalogs = {lang: gettext.translation("iso_3166-1", localedir="/usr/share/locale", languages=[lang]) for lang in LANGUAGES}
    lines = ["# alpha2\tfr\tes\tar — names|aliases from Debian iso-codes translations (LGPL-2.1-or-later); see tools/gen-country-names.py"]
    for c in sorted(countries, key=lambda c: c["alpha_2"]):
        cells = [c["alpha_2"]]
        for lang in LANGUAGES:
            names = []
            for key in ("common_name", "name", "official_name"):
                if key in c:
                    translated = catalogs[lang].gettext(c[key]).replace("\t", " ")
                    if translated == c[key] and any(ch.isalpha() for ch in translated) and lang == "ar":
                        continue   # not translated: iso-codes returned the English text
                    if translated not in names:
                        names.append(translated)
            cells.append("|".join(names))
        lines.append("\t".join(cells))
    lines.append("\t".join(["EU"] + [EUROPEAN_UNION[lang] for lang in LANGUAGES]))
    OUT.write_text("\n".join(lines) + "\n")
    print(f"{len(lines) - 1} countries written to {OUT}")


if __name__ == "__main__":
    main()
