#!/usr/bin/env python3
"""A large WordPress export (WXR 1.2, the shape of WordPress's export_wp()) for timing the importer:
posts in English and French linked by Polylang, categories, tags naming countries, block comments, shortcodes,
plus drafts, revisions, attachments and menu items to skip.

    python3 bench/gen-wxr.py --posts 5000 --seed 1 > site.wxr
"""
import argparse
import random

CATEGORIES = [("urgent-appeals", "Urgent appeals"), ("statements", "Statements"), ("press-releases", "Press releases"),
              ("reports", "Reports"), ("events", "Events"), ("human-rights-defenders", "Human rights defenders")]
COUNTRIES = [("mexico", "Mexico"), ("colombia", "Colombia"), ("turkey", "Turkey"), ("philippines", "Philippines"),
             ("russia", "Russian Federation"), ("iran", "Iran"), ("egypt", "Egypt"), ("guatemala", "Guatemala"),
             ("belarus", "Belarus"), ("democratic-republic-of-the-congo", "Democratic Republic of the Congo")]
WORDS = ("defender lawyer journalist arrested detained released trial court threatened harassment land rights "
         "indigenous union leader police judicial attack smear campaign protection urgent release").split()


def cdata(text):
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def sentence(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def item(rng, post_id, title, slug, date, status, post_type, language, group, categories, tags, content, excerpt):
    terms = "".join(f'<category domain="category" nicename="{c}">{cdata(n)}</category>' for c, n in categories)
    terms += "".join(f'<category domain="post_tag" nicename="{t}">{cdata(n)}</category>' for t, n in tags)
    if language:
        terms += f'<category domain="language" nicename="{language}">{cdata(language)}</category>'
    if group:
        terms += f'<category domain="post_translations" nicename="{group}">{cdata(group)}</category>'
    y, m, d = date[:4], date[5:7], date[8:10]
    link = f"https://ngo.example.org/{y}/{m}/{d}/{slug}/"
    if status != "publish":
        link = f"https://ngo.example.org/?p={post_id}"
    return f"""
	<item>
		<title>{cdata(title)}</title>
		<link>{link}</link>
		<pubDate>Mon, 01 Jan 2018 00:00:00 +0000</pubDate>
		<dc:creator>{cdata("admin")}</dc:creator>
		<guid isPermaLink="false">https://ngo.example.org/?p={post_id}</guid>
		<description></description>
		<content:encoded>{cdata(content)}</content:encoded>
		<excerpt:encoded>{cdata(excerpt)}</excerpt:encoded>
		<wp:post_id>{post_id}</wp:post_id>
		<wp:post_date>{cdata(date)}</wp:post_date>
		<wp:post_date_gmt>{cdata(date if status == "publish" else "0000-00-00 00:00:00")}</wp:post_date_gmt>
		<wp:post_name>{cdata(slug)}</wp:post_name>
		<wp:status>{cdata(status)}</wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:post_type>{cdata(post_type)}</wp:post_type>
		<wp:post_password>{cdata("")}</wp:post_password>
		{terms}
		<wp:postmeta><wp:meta_key>{cdata("_edit_last")}</wp:meta_key><wp:meta_value>{cdata("1")}</wp:meta_value></wp:postmeta>
	</item>"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    out = ["""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
	<title>NGO</title><link>https://ngo.example.org</link><language>en-US</language>
	<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://ngo.example.org</wp:base_site_url>
	<wp:base_blog_url>https://ngo.example.org</wp:base_blog_url>"""]
    for slug, name in CATEGORIES:
        out.append(f"<wp:category><wp:category_nicename>{cdata(slug)}</wp:category_nicename>"
                   f"<wp:cat_name>{cdata(name)}</wp:cat_name></wp:category>")
    for slug, name in COUNTRIES:
        out.append(f"<wp:tag><wp:tag_slug>{cdata(slug)}</wp:tag_slug><wp:tag_name>{cdata(name)}</wp:tag_name></wp:tag>")
    print("\n".join(out))
    post_id = 100
    posts = 0
    while posts < args.posts:
        post_id += 1
        year, month, day = rng.randint(2005, 2025), rng.randint(1, 12), rng.randint(1, 28)
        date = f"{year}-{month:02d}-{day:02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00"
        country = rng.choice(COUNTRIES)
        category = rng.choice(CATEGORIES)
        title = f"{country[1]}: {sentence(rng, 6)[:-1]}"
        slug = f"{country[0]}-{post_id}"
        paragraphs = [f"<!-- wp:paragraph -->\n<p>{sentence(rng, 25)} <strong>{sentence(rng, 3)}</strong> "
                      f"<a href=\"https://ngo.example.org/{year}/\">{sentence(rng, 2)}</a></p>\n<!-- /wp:paragraph -->"
                      for _ in range(rng.randint(3, 8))]
        if rng.random() < 0.3:
            paragraphs.insert(1, f'[caption id="attachment_{post_id}" width="300"]<img src="https://ngo.example.org/'
                                 f'wp-content/uploads/{year}/x{post_id}.jpg" alt="Photo" /> Photo[/caption]')
        if rng.random() < 0.2:
            paragraphs.append('[gallery ids="1,2,3"]')
        content = "\n\n".join(paragraphs)
        group = f"pll_{post_id}" if rng.random() < 0.2 else None
        print(item(rng, post_id, title, slug, date, "publish", "post", "en", group, [category], [country], content,
                   sentence(rng, 15)))
        posts += 1
        if group and posts < args.posts:
            post_id += 1
            print(item(rng, post_id, "FR " + title, slug + "-fr", date, "publish", "post", "fr", group, [category],
                       [country], content, sentence(rng, 15)))
            posts += 1
        roll = rng.random()
        if roll < 0.05:
            post_id += 1
            print(item(rng, post_id, "Draft " + title, "", date, "draft", "post", "en", None, [category], [], content,
                ""))
        elif roll < 0.10:
            post_id += 1
            print(item(rng, post_id, title, f"{post_id}-revision-v1", date, "inherit", "revision", None, None, [], [],
                       content, ""))
        elif roll < 0.13:
            post_id += 1
            print(item(rng, post_id, "photo", f"x{post_id}", date, "inherit", "attachment", None, None, [], [], "", ""))
        elif roll < 0.14:
            post_id += 1
            print(item(rng, post_id, "Home", f"{post_id}", date, "publish", "nav_menu_item", None, None, [], [], "",
                ""))
    print("</channel>\n</rss>")


if __name__ == "__main__":
    main()
