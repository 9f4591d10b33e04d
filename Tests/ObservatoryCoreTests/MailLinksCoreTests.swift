import Foundation
import PropertyBased
import Testing

@testable import ObservatoryCore

/// Generated messages: whatever mix of relative links, Markdown and HTML a body holds, no relative link survives
/// `AbsoluteLinks`. Failures print the generator's seed.
@Suite struct MailLinksCoreTests {
    static let base = "https://observatory.example"
    static let fragments = [
        "<a href=\"/publications/x\">", "<a href='rel/p?q=1'>", "<img src=\"/i.png\" alt=\"\">", "<A HREF=\"/up\">",
        "<form action=\"/f\">", "<a href = \"/spaced\">", "<a\nhref=\"/newline\">", "[t](/md)", "[t](rel/md)",
        "![i](/img.png)", "/bare/path", " /fr/publications/ua-1 ", "https://ok.example/a", "mailto:desk@example.org",
        "<a href=\"//proto.example/x\">", "text ", "\n", "data-href=\"/not-a-link\"", "<a href=\"#top\">",
        "<a href=\"\">", "](", ")", "\"", "'", "=", "é", "مرحبا", "<a href=\"?q=1\">", "[x](https://fine.example)"
    ]
    static let bodies = Gen<String?>.element(of: fragments).map { $0! }.array(of: 0...14).map { $0.joined() }

    static func absolute(_ link: String) -> Bool {
        link.hasPrefix(base + "/") || link.hasPrefix("https://") || link.hasPrefix("mailto:")
    }

    @Test func noRelativeHrefOrSrcSurvivesInHTML() async {
        await propertyCheck(count: 2_000, input: Self.bodies) { body in
            let out = AbsoluteLinks.html(body, base: Self.base)
            for value in AbsoluteLinks.attributeValues(in: out) { #expect(Self.absolute(value), "\(value) in \(out)") }
            #expect(AbsoluteLinks.html(out, base: Self.base) == out, "made absolute once")
            // What the Markdown renderer makes of the same text is held to the same rule.
            let rendered = AbsoluteLinks.html(Markdown.render(body).rendered, base: Self.base)
            for value in AbsoluteLinks.attributeValues(in: rendered) { #expect(Self.absolute(value), "\(value)") }
        }
    }

    @Test func noRelativeMarkdownLinkOrBarePathSurvivesInText() async {
        await propertyCheck(count: 2_000, input: Self.bodies) { body in
            let out = AbsoluteLinks.text(body, base: Self.base)
            var rest = Substring(out)
            while let open = rest.range(of: "](") {
                rest = rest[open.upperBound...]
                let destination = rest.prefix { !AbsoluteLinks.endsDestination($0) }
                if !destination.isEmpty { #expect(Self.absolute(String(destination)), "\(destination) in \(out)") }
            }
            for word in out.split(whereSeparator: { $0 == " " || $0.isNewline }) where word.hasPrefix("/") {
                #expect(word == "/" || word.hasPrefix("//"), "\(word) in \(out)")
            }
        }
    }

    @Test func aMessageHasBothPartsAndItsUnsubscribeAddressMadeAbsolute() {
        let m = MailMessage(
            from: "o@example.org", fromName: "O", to: "a@example.org", subject: "S",
            text: "Read [it](/publications/a) or /fr/map", html: "<a href=\"/publications/a\">a</a>",
            unsubscribeURL: "/unsubscribe/t", messageID: "m@x", date: Date(timeIntervalSince1970: 0))
        let out = AbsoluteLinks.message(m, base: Self.base)
        #expect(
            out.text == "Read [it](https://observatory.example/publications/a) or "
                + "https://observatory.example/fr/map")
        #expect(out.html == "<a href=\"https://observatory.example/publications/a\">a</a>")
        #expect(out.unsubscribeURL == "https://observatory.example/unsubscribe/t")
    }
}

/// The scheme an imported reference code must follow (DOMAIN.md), without HTTP or a database.
@Suite struct ReferenceSchemeTests {
    static let day = CivilDate("2026-11-20")!

    static func problem(
        _ code: String, countries: [String] = ["MX"], on date: CivilDate = day,
        followUpOf: String? = nil, translationOf: String? = nil
    ) -> String? {
        ReferenceCode.schemeProblem(
            code, countries: countries, published: date, followUpOf: followUpOf,
            translationOf: translationOf)
    }

    @Test func goodCodesPass() {
        #expect(Self.problem("MEX 001 / 1126 / OBS 001") == nil)
        #expect(Self.problem("MEX 012 / 0326 / OBS 077.2", followUpOf: "a") == nil)
        #expect(Self.problem("MEX 012 / 0325 / OBS 077.2", translationOf: "b") == nil, "a translation of a follow-up")
        #expect(Self.problem("INT 003 / 0926 / OBS 040", countries: ["EU"]) == nil)
        #expect(Self.problem("COL 1000 / 1226 / OBS 1200", countries: ["CO"], on: CivilDate("2026-12-31")!) == nil)
        #expect(Self.problem("MEX 001 / 1299 / OBS 001", on: CivilDate("2001-01-10")!) == nil, "December 1999")
    }

    @Test func eachBreachIsNamed() {
        let cases: [(String, [String], String?, String)] = [
            ("MEX 000 / 1126 / OBS 001", ["MX"], nil, "start at 001"),
            ("MEX 001 / 1126 / OBS 000", ["MX"], nil, "start at 001"),
            ("MEX -01 / 1126 / OBS 001", ["MX"], nil, "start at 001"),
            ("MEX 1 / 1126 / OBS 1", ["MX"], nil, "not written as"),
            ("MEX  001 / 1126 / OBS 001", ["MX"], nil, "not written as"),
            ("XYZ 001 / 1126 / OBS 001", [], nil, "not the ISO 3166-1 alpha-3"),
            ("MEX 001 / 1226 / OBS 001", ["MX"], nil, "after the publication"),
            ("MEX 001 / 1326 / OBS 001", ["MX"], nil, "is not a reference code"),
            ("MEX 001 / 1126 / OBS 001.1", ["MX"], nil, "follows up nothing"),
            ("MEX 001 / 1126 / XYZ 001", ["MX"], nil, "is not a reference code")
        ]
        for (code, countries, followUp, expected) in cases {
            let problem = Self.problem(code, countries: countries, followUpOf: followUp)
            #expect(problem?.contains(expected) == true, "\(code): \(problem ?? "accepted")")
        }
    }

    @Test func everyCodeTheAllocatorPrintsPassesAndEveryEditBreaksItOrParsesDifferently() async {
        await propertyCheck(
            count: 500, input: Gen.int(in: 1...1_500), Gen.int(in: 1...12), Gen.int(in: 0...99),
            Gen.int(in: 1...1_500)
        ) { country, month, year, serial in
            let code = ReferenceCode(
                alpha3: "MEX", countrySerial: country, month: month, year: year,
                observatorySerial: serial)
            let published = CivilDate(year: 2000 + year, month: month, day: 28)!
            #expect(Self.problem(code.description, on: published) == nil, "\(code)")
            #expect(ReferenceCode(code.description) == code)
        }
    }
}
