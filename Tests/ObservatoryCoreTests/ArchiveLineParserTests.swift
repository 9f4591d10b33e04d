import Testing

@testable import ObservatoryCore

@Suite struct ArchiveLineParserTests {
    let parser = ArchiveLineParser()

    func parse(_ line: String) -> ParsedLine { parser.parse(Array(line.utf8), number: 7) }

    func problems(_ line: String) -> [String] {
        if case .rejected(let problems) = parse(line) { return problems.map(\.description) }
        return []
    }

    @Test func acceptsAGeneratorLineAndResolvesLegacyCountryNames() throws {
        // setup
        let line =
            #"{"id": "pub-1-000001", "type": "urgent-intervention", "kind": "urgent-appeal", "language": "es", "published": "2016-09-12", "countries": ["Lao People's Democ. Rep.", "MX", "mx"], "programmes": ["human-rights-defenders"], "title": "México: Liberen a Ana", "summary": "s", "body": "b", "reference": "MEX 001 / 0916 / OBS 077", "follow_up_of": null}"#
        // act
        guard case .accepted(.publication(let p)) = parse(line) else {
            Issue.record("rejected: \(problems(line))"); return
        }
        // assert
        #expect(p.id == "pub-1-000001")
        #expect(p.kind == .urgentAppeal)
        #expect(p.language == .es)
        #expect(p.countries == ["LA", "MX"])
        #expect(p.published.description == "2016-09-12")
        #expect(p.reference == "MEX 001 / 0916 / OBS 077")
    }

    @Test func acceptsAnOrganisation() {
        let line =
            #"{"id": "org-1-0001", "name": "Coalition for Women Defenders (Iran)", "type": "ngo", "country": "IR", "working_languages": ["en", "fa"], "networks": ["sos-torture"], "founded": 2012, "website": "https://org1.example"}"#
        guard case .accepted(.organisation(let o)) = parse(line) else {
            Issue.record("rejected: \(problems(line))"); return
        }
        #expect(o.country == "IR")
        #expect(o.founded == 2012)
        #expect(o.workingLanguages == ["en", "fa"])
    }

    @Test(arguments: [
        (
            #"{"id": "a", "type": "statement", "language": "en", "published": "2019-02-30", "title": "t"}"#,
            "line 7: published: \"2019-02-30\" is not a real date in the form YYYY-MM-DD"
        ),
        (#"{"type": "statement", "language": "en", "published": "2019-02-01", "title": "t"}"#, "line 7: id: missing"),
        (
            #"{"id": 12, "type": "statement", "language": "en", "published": "2019-02-01", "title": "t"}"#,
            "line 7: id: expected a string, found a number"
        ),
        (
            #"{"id": "a", "type": "blog", "language": "en", "published": "2019-02-01", "title": "t"}"#,
            """
            line 7: type: unknown value \"blog\" (expected one of: urgent-intervention, statement, report, event, \
            link, news)
            """
        ),
        (
            #"{"id": "a", "type": "statement", "language": "de", "published": "2019-02-01", "title": "t"}"#,
            "line 7: language: unknown value \"de\" (expected one of: en, fr, es, ar)"
        ),
        (
            #"{"id": "a", "type": "statement", "language": "en", "published": "2019-02-01", "title": "t", "countries": ["Atlantis"]}"#,
            "line 7: countries: unknown country \"Atlantis\""
        ),
        (
            #"{"id": "a", "type": "statement", "language": "en", "published": "2019-02-01", "title": "t", "countries": "MX"}"#,
            "line 7: countries: expected an array of strings, found a string"
        ),
        (
            #"{"id": "a", "type": "statement", "language": "en", "published": "2019-02-01", "title": "t", "programmes": ["gardening"]}"#,
            "line 7: programmes: unknown programme \"gardening\""
        ),
        (
            #"{"id": "a", "type": "statement", "language": "en", "published": "2019-02-01", "title": "bad \u0000 nul"}"#,
            "line 7: title: contains a NUL character"
        ),
        (
            #"{"id": "a", "type": "statement", "language": "en", "published": "2019-02-01", "title": ""}"#,
            "line 7: title: empty (only an event may have no title)"
        ),
        (
            #"{"id": "a", "type": "statement", "kind": "urgent-appeal", "language": "en", "published": "2019-02-01", "title": "t"}"#,
            "line 7: kind: \"urgent-appeal\" is only for urgent interventions, not statement"
        ),
        (
            #"{"id": "a b", "type": "statement", "language": "en", "published": "2019-02-01", "title": "t"}"#,
            "line 7: id: \"a b\" may hold only letters, digits and - _ . :"
        ),
        (
            #"{"id": "a", "type": "statement", "language": "en", "published": "1492-10-12", "title": "t"}"#,
            "line 7: published: 1492-10-12 is outside the years 1900–2100"
        ),
        (
            #"{"id": "a", "type": "urgent-intervention", "language": "en", "published": "2019-02-01", "title": "t", "reference": "whatever"}"#,
            "line 7: reference: \"whatever\" is not a reference code like MEX 001 / 0916 / OBS 077"
        ),
        (#"{"id": "a", "name": "Org", "founded": true}"#, "line 7: founded: expected a whole number, found a boolean"),
        (#"{"id": "a", "name": "Org", "founded": 1999.5}"#, "line 7: founded: expected a whole number, found a number"),
        (
            #"{"id": "a", "type": "statement", "language": "en", "published": "2019-02-01", "title": "t""#,
            "line 7: line: invalid JSON"
        ),
        (#"["id", "a"]"#, "line 7: line: not a JSON object")
    ])
    func reportsTheLineTheFieldAndTheReason(_ line: String, _ expected: String) {
        #expect(problems(line).contains(expected), "got \(problems(line))")
    }

    @Test func rejectsAbsurdSizesAndRawNulBytes() {
        let huge =
            #"{"id": "a", "type": "statement", "language": "en", "published": "2019-02-01", "title": "\#(String(repeating: "x", count: 2_000))"}"#
        #expect(problems(huge) == ["line 7: title: too long (2000 characters, at most 1000)"])
        var bytes = Array(#"{"id": "a"}"#.utf8)
        bytes.insert(0, at: 3)
        guard case .rejected(let p) = parser.parse(bytes, number: 3) else {
            Issue.record("accepted a NUL byte"); return
        }
        #expect(p.map(\.description) == ["line 3: line: contains a NUL byte"])
    }

    @Test func allowsAnEventWithoutTitleAndKeepsHostileTextAsText() {
        guard
            case .accepted(.publication(let event)) = parse(
                #"{"id": "e", "type": "event", "language": "en", "published": "2019-02-01", "title": "", "event_date": "2019-03-01"}"#
            )
        else {
            Issue.record("event without title rejected"); return
        }
        #expect(event.title.isEmpty)
        let hostile =
            #"{"id": "h", "type": "statement", "language": "ar", "published": "2019-02-01", "title": "<script>alert(1)</script> \u202Eevil 🙂", "body": "<img src=x onerror=alert(1)>"}"#
        guard case .accepted(.publication(let p)) = parse(hostile) else {
            Issue.record("hostile text rejected: \(problems(hostile))"); return
        }
        #expect(p.title == "<script>alert(1)</script> \u{202E}evil 🙂")
    }
}

@Suite struct DemoArchiveTests {
    @Test func isDeterministicAndShapedLikeAnArchive() throws {
        // act
        let end = try #require(CivilDate("2026-11-20"))
        let a = DemoArchive(endingOn: end)
        let b = DemoArchive(endingOn: end)
        // assert
        #expect(a.publications == b.publications)
        #expect(a.publications.count == 2_000)
        #expect(Set(a.publications.map(\.language)) == Set(Language.allCases))
        #expect(a.publications.first!.published >= end.adding(days: -20 * 365))
        #expect(a.publications.allSatisfy { $0.published <= end })
        let followUps = a.publications.filter { $0.followUpOf != nil }
        #expect(followUps.count > 50)
        #expect(followUps.allSatisfy { ReferenceCode($0.reference ?? "")?.followUp != nil })
        #expect(a.publications.contains { $0.translationOf != nil })
        #expect(a.publications.contains { $0.type == .event && $0.title.isEmpty })
        #expect(a.publications.contains { $0.countries.count > 1 })
        let references = a.publications.filter { $0.kind == .urgentAppeal && $0.translationOf == nil }.compactMap(
            \.reference)
        #expect(Set(references).count == references.count, "reference codes repeat")
        // Every demo line survives the importer's own validation.
        let parser = ArchiveLineParser()
        for p in a.publications.prefix(200) {
            let json = try JSONLine.encode(p)
            guard case .accepted = parser.parse(Array(json.utf8), number: 1) else {
                Issue.record("demo line rejected: \(json)"); return
            }
        }
    }
}
