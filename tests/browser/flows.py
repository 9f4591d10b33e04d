"""The flows the browser tests walk, each a function (browser, site, records, screenshot_dir)."""
import base64
import hashlib
import hmac
import os
import struct
import time
import urllib.request

# The editor account run.py creates with `observatory user create … --password-stdin`.
EDITOR = ("editor@example.org", "plover-violin-harbour-7")


def totp(secret, at=None):
    """RFC 6238 code of a base-32 secret, as an authenticator app computes it."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int((at or time.time()) // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 15
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000)


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


def search_from_the_page_and_follow_the_map(browser, site, records, shots):
    # A word from a published title, typed into the search box every page has.
    record = next(r for r in records if r["language"] == "en" and len(r["title"].split(": ", 1)[-1].split()) > 2)
    word = max(record["title"].split(": ", 1)[-1].split(), key=len).strip(".,;:!?\"'")
    browser.go(site + "/countries")
    browser.find("form.search input[name=q]").type(word)
    browser.find("form.search button").submit()
    shot(browser, shots, "8-search")
    check("/search?q=" in browser.url, f"searched: {browser.url}")
    check("results for" in browser.find("main p.meta").text, "the number of results is shown")
    check(len(browser.find_all("ol.results li")) > 0, f"results for {word}")
    check(len(browser.find_all("ol.results mark")) > 0, "matches are highlighted")
    browser.find("ol.results li a.title").submit()   # a click that loads a page, waited for
    check("/publications/" in browser.url, f"a result opens its article: {browser.url}")

    # The map: the darkest country links to its country page.
    browser.go(site + "/map")
    shot(browser, shots, "9-map")
    check(len(browser.find_all("svg a path")) > 150, "the world's countries are drawn")
    browser.find("svg a path.s5").submit()
    check("/countries/" in browser.url, f"a country on the map opens its page: {browser.url}")
    check("publications" in browser.find("main p.meta").text, "the country page lists its publications")


def switch_to_arabic_then_map_and_search(browser, site, records, shots):
    browser.go(site + "/publications")
    browser.find("header .languages a[lang=ar]").submit()
    shot(browser, shots, "10-arabic")
    check(browser.url.endswith("/ar/publications"), f"the same page in Arabic: {browser.url}")
    html = browser.find("html")
    check(html.attribute("dir") == "rtl" and html.attribute("lang") == "ar", "right to left")
    check(browser.find("header nav a[href='/ar/publications']").text == "المنشورات", "navigation in Arabic")
    browser.find("header nav a[href='/ar/map']").submit()
    check(browser.find("main h1").text == "خريطة المنشورات", "the map in Arabic")
    browser.find("svg a path.s5").submit()
    check("/ar/countries/" in browser.url, f"a country page in Arabic: {browser.url}")
    browser.find("form.search input[name=q]").type("defenders")
    browser.find("form.search button").submit()
    check("/ar/search?q=defenders" in browser.url, f"searched in Arabic: {browser.url}")
    check("لـ «defenders»" in browser.find("main p.meta").text, "the result count in Arabic")
    # The choice is remembered: the English address stays English, whatever the browser prefers.
    browser.go(site + "/language/en?to=/")
    check(browser.find("html").attribute("lang") == "en", "back to English")


def sign_in(browser, site, code_secret=None):
    browser.go(site + "/login")
    browser.find("#email").type(EDITOR[0])
    browser.find("#password").type(EDITOR[1])
    browser.find("form.office-form button[type=submit]").submit()
    if code_secret:
        check(browser.url.endswith("/login/code"), f"asked for a code: {browser.url}")
        browser.find("#code").type(totp(code_secret))
        browser.find("form.office-form button[type=submit]").submit()
    check(browser.url.endswith("/office"), f"signed in: {browser.url}")


def editor_writes_a_draft_then_publishes_it(browser, site, records, shots):
    # Password sign-in, then the editor turns on an authenticator (optional for editors) without JavaScript.
    sign_in(browser, site)
    browser.go(site + "/account/two-factor")
    secret = browser.find("#totp-secret").text.replace(" ", "")
    browser.find("#code").type(totp(secret))
    browser.find("form.office-form button[type=submit]").submit()
    check(len(browser.find_all("#recovery-codes li")) == 10, "ten recovery codes shown once")
    shot(browser, shots, "5-recovery-codes")
    browser.find("header form.inline button").submit()   # sign out
    check(browser.url.endswith("/login"), f"signed out: {browser.url}")
    time.sleep(30.5 - time.time() % 30)                  # the enrolment's code cannot be used twice: wait for the next one
    sign_in(browser, site, code_secret=secret)

    # A draft: saved, shown as a draft, and nowhere on the public site.
    title = "Mexico: browser-test draft of an urgent appeal"
    browser.go(site + "/office/publications/new")
    browser.find("#title").type(title)
    browser.find("#countries").type("Mexico")
    browser.find("input[name=programmes][value=human-rights-defenders]").click()
    browser.find("#body").type("## Facts\n\nThe defender was threatened.")
    browser.find("button[value=preview]").submit()
    check(browser.find(".preview .body h2").text == "Facts", "the preview renders the Markdown")
    browser.find("button[value=save]").submit()
    shot(browser, shots, "6-draft")
    check("Draft" in browser.find("#publication-status").text, "saved as a draft")
    edit_url = browser.url.split("?")[0]
    publication_id = edit_url.rsplit("/", 1)[1]
    browser.go(site + "/publications/" + publication_id)
    check("Page not found" in browser.title, f"the draft is not public: {browser.title}")
    browser.go(site + "/")
    check(title not in browser.source, "the draft is not on the home page")

    # Published: on the home page and in the feed.
    browser.go(edit_url)
    browser.find("button[value=publish]").submit()
    check("Published" in browser.find("#publication-status").text, "published")
    browser.go(site + "/")
    browser.refresh()   # the home page seen a minute ago is still fresh in the browser's cache (max-age=60): reload it
    shot(browser, shots, "7-published-on-home")
    check(title in browser.find("ol.items").text, "the publication is on the home page")
    with urllib.request.urlopen(site + "/publications/feed.rss") as response:
        feed = response.read().decode()
    check(title in feed and f"/publications/{publication_id}" in feed, "the publication is in the feed")


ALL = [
    ("browse, filter by country and year, read an article, follow a translation", browse_filter_read_and_follow_a_translation),
    ("from an article to its country page", country_page_from_an_article),
    ("search from the box on every page, open a result; follow a country on the map", search_from_the_page_and_follow_the_map),
    ("an editor signs in with password and one-time code, writes a draft, publishes it", editor_writes_a_draft_then_publishes_it),
    ("switch to Arabic: right to left, translated navigation, map, country page, search", switch_to_arabic_then_map_and_search),
]
