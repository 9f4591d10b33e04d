#!/usr/bin/env python3
"""Writes Sources/ObservatoryCore/Resources/regions.tsv: `ALPHA2<TAB>region`, the regions the bulletin and the
annual report group countries by. Run once; commit the output.

Source: the United Nations M49 continents and sub-regions (United Nations Statistics Division), as tabulated in
country_converter's country_data.tsv (`pip download --no-deps country_converter`, unzip, pass the file).
Observatory regions: Africa (but Northern Africa), Americas, Asia and the Pacific (Asia and Oceania but Western and
Central Asia), Europe and Central Asia (Europe, Central Asia, the Caucasus, Turkey, Cyprus), Middle East and North
Africa (Northern Africa and the rest of Western Asia).

    python3 tools/gen-regions.py country_converter/country_data.tsv
"""
import csv
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
EUROPE_IN_WESTERN_ASIA = {"AM", "AZ", "GE", "TR", "CY"}
# Where the table differs from ISO or from the Observatory's habits: Iran is followed with the Middle East;
# the table writes the United Kingdom and Greece as UK and EL.
BY_HAND = {"IR": "mena", "GB": "europe-central-asia", "GR": "europe-central-asia"}


def region(row):
    continent, sub = row["continent"], row["UNregion"]
    if row["ISO2"] in EUROPE_IN_WESTERN_ASIA or continent == "Europe" or sub == "Central Asia":
        return "europe-central-asia"
    if sub in ("Northern Africa", "Western Asia"):
        return "mena"
    if continent == "Africa":
        return "africa"
    if continent == "America":
        return "americas"
    return "asia-pacific"


def main():
    rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8"), delimiter="\t"))
    codes = {line.split("\t")[0] for line in (ROOT / "Sources/ObservatoryCore/Resources/countries.tsv").read_text().splitlines()
             if line and not line.startswith("#")} if (ROOT / "Sources/ObservatoryCore/Resources/countries.tsv").exists() else None
    out = ["# ISO 3166-1 alpha-2<TAB>Observatory region. From UN M49 (see tools/gen-regions.py); IR, GB, GR and EU by hand."]
    seen = set()
    for row in sorted(rows, key=lambda r: r["ISO2"]):
        code = row["ISO2"]
        if len(code) != 2 or code in seen or (codes is not None and code not in codes):
            continue
        seen.add(code)
        out.append(f"{code}\t{region(row)}")
    for code, name in BY_HAND.items():
        out = [line for line in out if not line.startswith(code + "\t")] + [f"{code}\t{name}"]
    out.append("EU\teurope-central-asia")
    out = out[:1] + sorted(out[1:])
    (ROOT / "Sources/ObservatoryCore/Resources/regions.tsv").write_text("\n".join(out) + "\n")
    print(f"{len(out) - 1} countries")


if __name__ == "__main__":
    main()
