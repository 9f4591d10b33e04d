"""The reader flows the browser tests walk, each a function (browser, site, records, screenshot_dir)."""
import os


def shot(browser, directory, name):
    if directory:
        os.makedirs(directory, exist_ok=True)
        browser.screenshot(os.path.join(directory, name + ".png"))


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def browse_filter_read_and_follow_a_translation(browser, site, records, shots):
    # A translated publication and its original, from the archive the site was loaded with.
    by_id = {r["id"]: r for r in records}
    translation = next(r for r in records if r.get("translation_of") in by_id and by_id[r["translation_of"]]["countries"])
    original = by_id[translation["translation_of"]]
    country, year = original["countries"][0].lower(), original["published"][:4]

    # Home: the newest publications and the site's facts.
    browser.go(site + "/")
    shot(browser, shots, "1-home")
    check("Observatory" in browser.title, f"home title: {browser.title}")
    facts = browser.find("header .facts").text
    check(f"Articles: {sum(1 for r in records)}" in facts or "Articles:" in facts, f"facts: {facts}")
    check(len(browser.find_all("ol.items li")) == 30, "home lists 30 publications")

    # Filter by a country, then by a year, with the facet links of the list page.
    browser.find("header nav a[href='/publications']").click()
    browser.find(f"aside.facets a[href='/publications?country={country}']").click()
    check(browser.url.endswith(f"/publications?country={country}"), f"url after country filter: {browser.url}")
    year_link = next(a for a in browser.find_all("aside.facets a") if a.text == year)
    year_link.click()
    check(f"country={country}" in browser.url and f"year={year}" in browser.url, f"url after year filter: {browser.url}")
    shot(browser, shots, "2-filtered")
    metas = [li.text for li in browser.find_all("ol.items li")]
    check(metas and all(year in m for m in metas), "every listed item is of the year")

    # Open the original article and follow its translation link.
    browser.find(f"ol.items a[href='/publications/{original['id']}']").click()
    check(browser.find("article h1").text.strip() == original["title"], "article title")
    shot(browser, shots, "3-article")
    browser.find(f"ul.translations a[href='/publications/{translation['id']}']").click()
    check(browser.url.endswith("/publications/" + translation["id"]), f"url after translation link: {browser.url}")
    check(browser.find("article").attribute("lang") == translation["language"], "the translation is in its language")
    check(browser.find("article h1").text.strip() == translation["title"], "translation title")
    shot(browser, shots, "4-translation")


def country_page_from_an_article(browser, site, records, shots):
    record = next(r for r in records if r["type"] == "urgent-intervention" and r["countries"])
    browser.go(site + "/publications/" + record["id"])
    link = browser.find("article dl a[href^='/countries/']")
    name = link.text
    link.click()
    check(browser.find("main h1").text == name, "country page heading is the country's name")
    check(len(browser.find_all("ol.items li")) > 0, "the country page lists publications")


ALL = [
    ("browse, filter by country and year, read an article, follow a translation", browse_filter_read_and_follow_a_translation),
    ("from an article to its country page", country_page_from_an_article),
]
