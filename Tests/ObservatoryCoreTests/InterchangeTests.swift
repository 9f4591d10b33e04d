import Foundation
import ObservatoryCore
import PropertyBased
import Testing

/// Pieces an attacker (or a careless theme) puts in a WordPress post: scripts, handlers, frames, odd quoting,
/// entities that decode to markup, `javascript:` in every spelling, shortcodes, block comments.
let hostileHTML = [
    "<script>alert(1)</script>", "<SCRIPT SRC=//evil.example/x.js></SCRIPT>", "<img src=x onerror=alert(1)>",
    "<img src=\"javascript:alert(1)\" alt=\"a\">", "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\" jAvAsCrIpT:alert(1)\">y</a>",
    "<a href=\"java&#x09;script:alert(1)\">z</a>", "<a href='data:text/html,<script>alert(1)</script>'>d</a>",
    "<a href=\"//evil.example\">p</a>", "<iframe src=\"https://evil.example/\"></iframe>",
    "<iframe src=javascript:alert(1)>",
    "<p onclick=\"alert(1)\">para</p>", "<div style=\"background:url(javascript:alert(1))\">s</div>",
    "<svg onload=alert(1)>",
    "<object data=x></object>", "<embed src=x>", "<style>body{}</style>", "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;img src=x onerror=alert(1)&#62;", "<!-- wp:paragraph -->", "<!-- /wp:paragraph -->", "[caption id=\"a\"]",
    "[/caption]", "[gallery ids=\"1,2\"]", "[embed]https://video.example/x[/embed]",
    "[embed]javascript:alert(1)[/embed]",
    "<a href=\"https://ok.example/a b\">ok</a>", "<img src=\"/wp-content/x.png\" alt=\"a\\\" onerror=\\\"alert(1)\">",
    "<b>bold</b>", "<em>em</em>", "<h2>Head</h2>", "<ul><li>one</li><li>two</li></ul>", "<blockquote>q</blockquote>",
    "<br>", "\n\n", "text ", " more ", "[x](javascript:alert(1))", "![i](javascript:alert(1))", "\"", "'", "<", ">",
    "&",
    "<a href=\"https://ok.example/)\" onmouseover=\"alert(1)\">m</a>", "<textarea><script>x</script></textarea>",
    "<noscript><img src=x onerror=alert(1)></noscript>",
    "<a href=\"https://a.example\"><img src=\"https://i.example/x.png\"></a>",
    "<math><mi xlink:href=\"javascript:alert(1)\">m</mi></math>", "<template><script>x</script></template>"
]
let hostilePost = Gen<String?>.element(of: hostileHTML).map { $0! }.array(of: 0...14).map { $0.joined() }

/// The tags and attributes the Markdown renderer may write; anything else in rendered WordPress content is a hole.
func onlySafeMarkup(_ html: String) -> String? {
    let allowed: [String: Set<String>] = [
        "p": [], "h2": [], "h3": [], "h4": [], "h5": [], "h6": [], "ul": [], "ol": [],
        "li": [], "blockquote": [], "strong": [], "em": [], "code": [],
        "a": ["href", "rel"], "img": ["src", "alt", "loading"]
    ]
    var i = html.startIndex
    while let open = html[i...].firstIndex(of: "<") {
        guard let close = html[open...].firstIndex(of: ">") else { return "unclosed tag" }
        let inside = html[html.index(after: open)..<close]
        let name = String(inside.drop(while: { $0 == "/" }).prefix { $0.isLetter || $0.isNumber })
        guard let attributes = allowed[name] else { return "tag <\(name)>" }
        // Attribute names: words followed by ="
        var rest = inside.dropFirst(name.count + (inside.hasPrefix("/") ? 1 : 0))
        while let eq = rest.range(of: "=\"") {
            let attr = rest[..<eq.lowerBound].split(separator: " ").last.map(String.init) ?? ""
            guard attributes.contains(attr) else { return "attribute \(attr) on <\(name)>" }
            guard let end = rest[eq.upperBound...].firstIndex(of: "\"") else { return "unclosed attribute" }
            let value = String(rest[eq.upperBound..<end]).lowercased()
            if attr == "href" || attr == "src" {
                guard
                    value.hasPrefix("https://") || value.hasPrefix("http://") || value.hasPrefix("mailto:")
                        || (value.hasPrefix("/") && !value.hasPrefix("//"))
                        || value.hasPrefix("#")
                else { return "target \(value)" }
            }
            if attr == "src", !value.hasPrefix("/") { return "an image from another host: \(value)" }
            rest = rest[rest.index(after: end)...]
        }
        i = html.index(after: close)
    }
    return nil
}

@Suite struct WordPressContentTests {
    @Test func hostilePostsRenderToNothingExecutable() async {
        await propertyCheck(count: 500, input: hostilePost) { html in
            let markdown = WordPressContent.markdown(from: html)
            let rendered = Markdown.render(markdown).rendered
            #expect(onlySafeMarkup(rendered) == nil, "\(onlySafeMarkup(rendered) ?? "") in \(rendered) from \(html)")
            #expect(
                !markdown.contains("<!--") && !markdown.contains("[gallery") && !markdown.contains("[caption"),
                "\(markdown)")
        }
    }

    @Test func aRealPostKeepsItsStructureLinksAndImages() {
        let html = """
            <!-- wp:paragraph -->
            <p>Ms. Ana Torres was <strong>arrested</strong> in <a href="https://maps.example/oaxaca">Oaxaca</a>.</p>
            <!-- /wp:paragraph -->

            [caption id="attachment_7" width="300"]<img src="https://old.example/wp-content/a.jpg"
            alt="The court" /> The court[/caption]

            <h2>Actions requested</h2>
            <ul><li>Release her;</li><li>Guarantee &amp; protect.</li></ul>
            [gallery ids="7,8"]
            Two lines&nbsp;here.

            And [sic] a second paragraph.
            """
        let markdown = WordPressContent.markdown(from: html)
        #expect(
            markdown == """
                Ms. Ana Torres was **arrested** in [Oaxaca](https://maps.example/oaxaca).

                ![The court](https://old.example/wp-content/a.jpg) The court

                ## Actions requested

                - Release her;
                - Guarantee & protect.

                Two lines here.

                And [sic] a second paragraph.
                """)
        let rendered = Markdown.render(markdown).rendered
        #expect(rendered.contains("<a href=\"https://maps.example/oaxaca\" rel=\"nofollow noopener\">Oaxaca</a>"))
        #expect(
            rendered.contains(
                "<a href=\"https://old.example/wp-content/a.jpg\" rel=\"nofollow noopener\">The court</a>"))
        #expect(rendered.contains("<h2>Actions requested</h2>"))
        #expect(
            Markdown.render("![Map](/static/map.png)")
                .rendered.contains("<img src=\"/static/map.png\" alt=\"Map\""))
    }

    @Test func plainTextDropsMarkupAndDecodesEntities() {
        #expect(
            WordPressContent.plainText("Mexico: <b>arrest</b> &amp; &#8220;trial&#8221;<script>x</script>")
                == "Mexico: arrest & “trial”")
    }
}

@Suite struct CSVTests {
    static let field = Gen<String?>.element(of: [
        "a", "b c", ",", ";", "\"", "\n", "\r\n", " ", "é", "ٮ", "|", "=1+1",
        "x\"y"
    ])
    .map { $0! }.array(of: 0...6).map { $0.joined() }
    static let rows = field.array(of: 1...5).array(of: 1...6)

    @Test func whatIsWrittenReadsBackTheSameWithEitherSeparatorAndBOM() async {
        await propertyCheck(count: 300, input: Self.rows, Gen.int(in: 0...3)) { rows, variant in
            let separator: Character = variant % 2 == 0 ? "," : ";"
            let width = rows.map(\.count).max() ?? 1
            let header = (0..<width).map { "c\($0)" }
            let padded = rows.map { $0 + Array(repeating: "", count: width - $0.count) }
            var text =
                CSVReader.line(header, separator: separator)
                + padded.map {
                    CSVReader.line(
                        $0,
                        separator: separator)
                }.joined()
            if variant >= 2 { text = "\u{FEFF}" + text }
            var reader = CSVReader(bytes: Array(text.utf8))
            var read: [[String]] = []
            while let row = try? reader.next() { read.append(row) }
            // A row of one empty field is a blank line, which a reader skips.
            let expected = [header] + padded.filter { !($0.count == 1 && $0[0].isEmpty) }
            #expect(read == expected, "\(text.debugDescription)")
            if width > 1 { #expect(reader.separator == UInt8(ascii: separator == "," ? "," : ";")) }
        }
    }

    @Test func brokenQuotingIsNamedByRow() {
        var reader = CSVReader(bytes: Array("a,b\n\"x\"y,2\n".utf8))
        _ = try? reader.next()
        #expect(throws: CSVReader.Failure.textAfterQuote(row: 2, column: 1)) { try reader.next() }
        var open = CSVReader(bytes: Array("a,b\n1,\"never closed\n3,4\n".utf8))
        _ = try? open.next()
        #expect(throws: CSVReader.Failure.unterminatedQuote(row: 2)) { try open.next() }
    }
}

@Suite struct LegacyPathTests {
    @Test func oneKeyForEverySpellingOfAnAddress() {
        let key = "/2016/09/30/mexico-arbitrary-arrest"
        for address in [
            "https://old.example/2016/09/30/mexico-arbitrary-arrest/",
            "/2016/09/30/mexico-arbitrary-arrest",
            "/2016/09/30/Mexico-Arbitrary-Arrest//", "/2016/09/30/mexico-arbitrary-arrest/?utm_source=mail",
            "/2016/09/30/mexico%2Darbitrary%2darrest/#top"
        ] {
            #expect(LegacyPath.key(ofAddress: address) == key, "\(address)")
        }
        #expect(LegacyPath.key(ofAddress: "https://old.example/?p=123") == "/?p=123")
        #expect(LegacyPath.key(path: "/", query: "utm=1&p=123") == "/?p=123")
        #expect(LegacyPath.key(path: "/index.php", query: "p=123") == "/?p=123")
        let accented = LegacyPath.key(ofAddress: "/category/défenseurs")
        #expect(LegacyPath.key(ofAddress: "/category/d%C3%A9fenseurs/") == accented)
        #expect(LegacyPath.key(ofAddress: "/category/de\u{301}fenseurs") == accented)
        #expect(LegacyPath.key(ofAddress: "/%0d%0aLocation:%20x") == nil)
    }

    @Test func polylangGroupsAreRead() {
        #expect(PHPSerialized.stringToInt("a:2:{s:2:\"en\";i:4;s:2:\"fr\";i:15;}") == ["en": 4, "fr": 15])
        #expect(PHPSerialized.stringToInt("a:1:{s:9:\"broken") == [:])
        #expect(PHPSerialized.stringToInt("garbage") == [:])
    }
}

@Suite struct WXRReaderTests {
    static func file(_ items: [String]) throws -> String {
        let text = """
            <?xml version="1.0" encoding="UTF-8" ?>
            <rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
                xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/"
                xmlns:dc="http://purl.org/dc/elements/1.1/">
            <channel><title>T</title><link>https://old.example</link><language>fr-FR</language>
            <wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://old.example</wp:base_site_url>
            \(items.joined(separator: "\n"))
            </channel></rss>
            """
        let path = NSTemporaryDirectory() + "wxr-\(UUID().uuidString).xml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func item(
        _ id: Int, title: String, content: String = "<p>x</p>", status: String = "publish",
        type: String = "post", extra: String = ""
    ) -> String {
        """
        <item><title><![CDATA[\(title)]]></title><link>https://old.example/2020/01/0\(id % 9 + 1)/post-\(id)/</link>
        <content:encoded><![CDATA[\(content)]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>
        <wp:post_id>\(id)</wp:post_id><wp:post_date_gmt><![CDATA[2020-01-0\(id % 9 + 1) 10:00:00]]></wp:post_date_gmt>
        <wp:status><![CDATA[\(status)]]></wp:status><wp:post_type><![CDATA[\(type)]]></wp:post_type>\(extra)</item>
        """
    }

    @Test func anItemInsideCDATAOrACommentIsNotAnItemAndABrokenItemIsNamed() throws {
        let path = try Self.file([
            Self.item(1, title: "First", content: "<p>text with </item> and <item> inside</p>"),
            "<!-- <item><title>commented out</title></item> -->",
            "<item><title>Broken <b></title><wp:post_id>2</wp:post_id></item>",
            Self.item(3, title: "Third", status: "draft"),
            Self.item(4, title: "Fourth")
        ])
        var reader = try WXRReader(path: path)
        var titles: [String] = []
        var malformed: [Int] = []
        while let piece = try reader.next() {
            switch piece {
            case .item(let item): titles.append(item.title)
            case .malformed(let line, _): malformed.append(line)
            }
        }
        #expect(titles == ["First", "Third", "Fourth"])
        #expect(malformed.count == 1)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(
            separator: "\n",
            omittingEmptySubsequences: false)
        #expect(malformed.first.map { lines[$0 - 1].contains("Broken") } == true, "named by its own line")
        #expect(reader.channel.language == "fr-FR")
    }

    @Test func postsBecomePublicationsAndEverythingElseIsCountedByKind() throws {
        let path = try Self.file([
            Self.item(
                1, title: "Mexico: appeal",
                extra: "<category domain=\"category\" nicename=\"urgent-appeals\">Urgent appeals</category>"
                    + "<category domain=\"post_tag\" nicename=\"mexique\">Mexique</category>"),
            Self.item(2, title: "Draft", status: "draft"),
            Self.item(
                3, title: "Rev", status: "inherit",
                type: "revision"),
            Self.item(4, title: "Menu", type: "nav_menu_item"),
            Self.item(
                5, title: "Secret",
                extra: "<wp:post_password><![CDATA[pw]]></wp:post_password>"),
            Self.item(6, title: "", content: "no title")
        ])
        var reader = try WXRReader(path: path)
        let mapper = WXRPostMapper(channel: reader.channel)
        var outcomes: [WXRPostOutcome] = []
        while case .item(let item)? = try reader.next() { outcomes.append(mapper.outcome(of: item)) }
        guard case .publication(let p, let paths, _) = outcomes[0] else { Issue.record("\(outcomes[0])"); return }
        #expect(p.id == "wp-old.example-1" && p.type == .urgentIntervention && p.kind == .urgentAppeal)
        #expect(p.language == .fr && p.countries == ["MX"] && p.published.description == "2020-01-02")
        #expect(paths == ["/2020/01/02/post-1", "/?p=1"])
        #expect(
            outcomes[1...4] == [
                .skipped("draft"), .skipped("revision"), .skipped("nav_menu_item"),
                .skipped("password-protected")
            ])
        #expect(outcomes[5] == .rejected(["title: empty (only an event may have no title)"]))
    }

    @Test func aMappingFileIsReadAndEveryBadLineNamed() throws {
        let mapping = try WXRMapping.parse(
            """
            # comment
            category:urgent-appeals = type:urgent-intervention kind:urgent-appeal   # Urgent appeals (3 posts)
            post_tag:turquie = country:TR
            post_tag:lawyers = ignore
            """)
        #expect(mapping.entries["post_tag:turquie"] == [.country("TR")])
        #expect(mapping.entries["post_tag:lawyers"] == [])
        #expect(throws: WXRMapping.Problems.self) {
            try WXRMapping.parse("category:x = type:poem\npost_tag:y country:Atlantis\nfoo:z = ignore\n")
        }
        do { _ = try WXRMapping.parse("category:x = type:poem\npost_tag:y = country:Atlantis\n") } catch {
            #expect(error.all.map(\.line) == [1, 2])
            #expect(error.description.contains("mapping line 1: unknown type \"poem\""))
        }
    }
}
