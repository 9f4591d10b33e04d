import Testing

@testable import ObservatoryCore

@Suite struct MarkdownTests {
    @Test func rendersTheArchiveStructure() {
        // setup
        let source =
            """
            Intro line\ncontinued.\n\n## Actions requested\n\n1. release *her*;\n2. end **all** harassment.\n\n- \
            Minister of Justice\n- Prosecutor General\n\n> quoted
            """
        // act
        let html = Markdown.render(source).rendered
        // assert
        #expect(
            html == """
                <p>Intro line continued.</p>
                <h2>Actions requested</h2>
                <ol><li>release <em>her</em>;</li><li>end <strong>all</strong> harassment.</li></ol>
                <ul><li>Minister of Justice</li><li>Prosecutor General</li></ul>
                <blockquote><p>quoted</p></blockquote>

                """)
    }

    @Test(arguments: [
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)", "[x](//evil.example)", "**<iframe src=//evil>**", "`<script>`",
        "# <svg onload=alert(1)>", "[<b>x</b>](https://ok.example \"onmouseover=alert(1)\")",
        "- <a href=javascript:x>y</a>",
        "[a](https://x.example/\" onclick=\"alert(1))"
    ])
    func neverEmitsMarkupFromTheSource(_ hostile: String) {
        let html = Markdown.render(hostile).rendered
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<iframe"))
        #expect(!html.contains("<svg"))
        #expect(!html.contains("<b>"))
        #expect(!html.lowercased().contains("href=\"javascript"))
        #expect(!html.contains("href=\"data:"))
        #expect(!html.contains("href=\"//"))
        #expect(!html.contains("\" onclick"))
    }

    @Test func linksOnlyToSafeTargets() {
        #expect(
            Markdown.render("[FIDH](https://www.fidh.org)").rendered
                == "<p><a href=\"https://www.fidh.org\" rel=\"nofollow noopener\">FIDH</a></p>\n")
        #expect(Markdown.render("[mail](mailto:a@b.example)").rendered.contains("href=\"mailto:a@b.example\""))
        #expect(Markdown.render("[x](javascript:alert(1))").rendered == "<p>[x](javascript:alert(1))</p>\n")
    }

    @Test func survivesRandomInput() {
        var rng = SplitMix64(seed: 42)
        let alphabet = Array("<>&\"'*_`[]()#-1. \n>javascript:ab")
        for _ in 0..<2_000 {
            let text = String(
                (0..<Int(rng.next() % 80)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
            let html = Markdown.render(text).rendered
            // Every "<" in the output opens one of the renderer's own tags.
            var rest = Substring(html)
            while let open = rest.firstIndex(of: "<") {
                let tag = rest[rest.index(after: open)...].prefix(while: { $0 != ">" && $0 != " " })
                #expect(
                    [
                        "p", "/p", "h2", "/h2", "h3", "/h3", "h4", "/h4", "h5", "/h5", "h6", "/h6", "ol", "/ol", "ul",
                        "/ul", "li", "/li",
                        "em", "/em", "strong", "/strong", "code", "/code", "a", "/a", "blockquote", "/blockquote"
                    ].contains(String(tag)),
                    "unexpected tag \(tag) in \(html) from \(text)")
                rest = rest[rest.index(after: open)...]
            }
        }
    }
}
