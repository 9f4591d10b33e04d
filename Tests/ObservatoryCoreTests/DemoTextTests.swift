import Foundation
import PropertyBased
import Testing

@testable import ObservatoryCore

/// The demo reads like the Observatory's own output: whole sentences in the item's language, titles that open
/// with the country, follow-ups that name their original, and the same archive on every machine.
@Suite struct DemoTextTests {
    static let end = CivilDate("2026-11-20")!
    static let archive = DemoArchive(endingOn: end)

    /// FNV-1a of every field of every item, in a fixed order: a change in any field changes it. Not the JSON of a
    /// dictionary, whose key order differs from one dictionary to the next (Swift seeds each one on its own), so a
    /// second archive of the same bytes hashed differently.
    static func fingerprint(_ archive: DemoArchive) throws -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for p in archive.publications {
            let fields: [String?] = [
                p.id, p.type.rawValue, p.kind?.rawValue, p.language.rawValue,
                p.published.description, p.title, p.summary, p.body,
                p.countries.joined(separator: ","),
                p.programmes.map(\.rawValue).joined(separator: ","), p.reference, p.followUpOf,
                p.translationOf, p.eventDate?.description
            ]
            for byte in fields.map { $0 ?? "-" }.joined(separator: "\u{1F}").utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            }
        }
        for o in archive.organisations {
            let line =
                "\(o.id)|\(o.name)|\(o.type?.rawValue ?? "")|\(o.country ?? "")|\(o.workingLanguages)|"
                + "\(o.networks)|\(o.founded ?? 0)|\(o.website ?? "")"
            for byte in line.utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            }
        }
        return hash
    }

    @Test func isTheSameArchiveOnEveryMachine() throws {
        // Nothing may depend on the process (hash seeds, Set order) or the platform: a fixed fingerprint, so a run
        // on another machine or another process than the one that wrote it fails if the demo differs.
        let print = try Self.fingerprint(Self.archive)
        #expect(print == Self.expectedFingerprint, "fingerprint \(print)")
        #expect(try Self.fingerprint(DemoArchive(endingOn: Self.end)) == print)
    }
    static let expectedFingerprint: UInt64 = 16_711_887_149_356_992_245

    @Test func theCountsAndDatesStay() {
        let a = Self.archive
        #expect(a.publications.count == 2_000)
        #expect(a.organisations.count == 120)
        #expect(Set(a.organisations.map(\.name)).count == 120, "organisation names repeat")
        // A directory entry's type is what its name says: no "Legal Aid Society" listed as a victims' association.
        for o in a.organisations {
            let network = o.name.hasPrefix("Red ") || o.name.hasPrefix("Rede ") || o.name.contains("Network")
            #expect((o.type == .network) == network, "\(o.name): \(o.type.map(\.rawValue) ?? "none")")
            #expect((o.type == .lawyersAssociation) == o.name.contains("Legal Aid"), "\(o.name)")
        }
        #expect(Set(a.organisations.compactMap(\.type)).count >= 3, "the directory shows several types")
        #expect(a.publications.last!.published <= Self.end)
        #expect(a.publications.first!.published >= Self.end.adding(days: -20 * 365))
        let share = Double(a.publications.filter { $0.language == .en }.count) / 2_000
        #expect(share > 0.5 && share < 0.75, "English share \(share)")
        for language in Language.allCases {
            #expect(a.publications.filter { $0.language == language }.count >= 40, "\(language)")
        }
    }

    @Test func everyTitleOpensWithItsCountryInItsLanguage() throws {
        for p in Self.archive.publications where !p.title.isEmpty {
            let country = try #require(DemoCountry.named(p.countries[0]), "\(p.id)")
            let prefix = DemoText(language: p.language).titlePrefix(country)
            #expect(p.title.hasPrefix(prefix), "\(p.id): \(p.title)")
            let rest = p.title.dropFirst(prefix.count)
            #expect(rest.first.map { $0.isUppercase || !$0.isASCII } == true, "\(p.id): \(p.title)")
        }
        #expect(Self.archive.publications.contains { $0.type == .event && $0.title.isEmpty }, "legacy events stay")
    }

    @Test func everyPublicationReadsAsSentencesInItsLanguage() {
        var problems: [String] = []
        for p in Self.archive.publications {
            problems += Self.problems(title: p.title, summary: p.summary, body: p.body, language: p.language)
                .map { "\(p.id) (\(p.language)): \($0)" }
        }
        #expect(problems.isEmpty, "\(problems.count) problems, first: \(problems.prefix(8).joined(separator: "\n"))")
    }

    @Test func followUpsNameTheirOriginalAndTranslationsTellTheSameStory() throws {
        let byID = Dictionary(uniqueKeysWithValues: Self.archive.publications.map { ($0.id, $0) })
        let followUps = Self.archive.publications.filter { $0.followUpOf != nil }
        #expect(followUps.count > 50)
        for f in followUps {
            let original = try #require(byID[f.followUpOf!])
            let code = try #require(original.reference)
            #expect(f.reference?.hasPrefix(code + ".") == true, "\(f.id)")
            #expect(f.body.contains(code), "\(f.id) does not name \(code)")
            #expect(f.countries == original.countries)
            #expect(
                f.published.daysSinceEpoch - original.published.daysSinceEpoch <= 730,
                "\(f.id) follows \(original.id) of \(original.published) on \(f.published)")
        }
        let translations = Self.archive.publications.filter { $0.translationOf != nil }
        #expect(translations.count > 100)
        for t in translations {
            let original = try #require(byID[t.translationOf!])
            #expect(t.language != original.language && t.reference == original.reference && t.type == original.type)
            // The same person or organisation, written in Latin letters in both (Arabic originals aside).
            guard original.language != .ar, original.type == .urgentIntervention, !original.title.isEmpty else {
                continue
            }
            let names = Self.names(in: original.title)
            #expect(
                names.isEmpty || names.contains { t.title.contains($0) || t.body.contains($0) },
                "\(t.id) \(t.title) / \(original.title)")
        }
    }

    /// Any seed, any end date: the archive is whole, ends on its day and passes every sentence check.
    @Test func anySeedGivesAWellFormedArchive() async {
        await propertyCheck(count: 12, input: Gen.int(in: 1...1_000_000), Gen.int(in: 0...20_000)) { seed, days in
            let end = CivilDate(daysSinceEpoch: 3_000 + days)
            let a = DemoArchive(endingOn: end, count: 240, organisations: 12, seed: UInt64(seed))
            #expect(a.publications.count == 240)
            #expect(a.publications.allSatisfy { $0.published <= end })
            #expect(
                a.publications
                    == DemoArchive(endingOn: end, count: 240, organisations: 12, seed: UInt64(seed))
                    .publications)
            let problems = a.publications.flatMap {
                Self.problems(title: $0.title, summary: $0.summary, body: $0.body, language: $0.language)
            }
            #expect(problems.isEmpty, "seed \(seed): \(problems.prefix(5))")
        }
    }

    /// Every act, outcome and kind of item, in every language, for people and organisations of every region.
    @Test func everyTemplateIsGrammaticalForEveryone() async {
        let kinds: [(PublicationType, InterventionKind?)] = DemoText.types.map(\.0)
        await propertyCheck(count: 400, input: Gen.int(in: 0...Int(Int32.max))) { seed in
            var rng = SplitMix64(seed: UInt64(seed))
            let country = rng.pick(DemoCountry.all)
            var story = DemoStory.random(in: country, before: CivilDate("2020-03-01")!, rng: &rng)
            story.act = rng.pick(DemoAct.allCases)
            let (type, kind) = rng.pick(kinds)
            var item = DemoItem(type: type, kind: kind, story: story, eventDate: CivilDate("2020-04-01"))
            if kind == .urgentAppeal, let outcome = story.act.outcomes.isEmpty ? nil : rng.pick(story.act.outcomes) {
                item.followUp = DemoFollowUp(
                    outcome: outcome, on: CivilDate("2020-05-02")!,
                    originalReference: "MEX 001 / 0320 / OBS 012",
                    originalPublished: CivilDate("2020-03-03")!)
            }
            // Arabic is written for the Arab world's stories only, as the archive does (names in Arabic letters).
            for language in Language.allCases
            where language != .ar
                || country.region.languages.contains(where: {
                    $0.0 == .ar
                })
            {
                var p = ArchivePublication(
                    id: "x", type: type, kind: kind, language: language,
                    published: CivilDate("2020-06-01")!, title: "")
                DemoText(language: language).write(item, into: &p)
                // Organisation names keep their own language ("Comité de Derechos Humanos de Oaxaca" in French).
                let org = story.organisation.name
                let problems = Self.problems(
                    title: p.title.replacingOccurrences(of: org, with: "X"),
                    summary: p.summary.replacingOccurrences(of: org, with: "X"),
                    body: p.body.replacingOccurrences(of: org, with: "X"), language: language,
                    strict: true)
                #expect(problems.isEmpty, "seed \(seed) \(type) \(story.act) \(language): \(problems)")
                #expect(p.title.contains(DemoText(language: language).titlePrefix(country)))
                if item.followUp != nil { #expect(p.body.contains("MEX 001 / 0320 / OBS 012")) }
                if language == .en, story.act == .sentencing, item.followUp?.outcome == .released {
                    #expect(!p.body.contains("without charge"), "seed \(seed): a sentenced defender is pardoned")
                }
                // The story's city once a sentence at most: organisations bear its name ("raided the offices of the
                // Mansoura Legal Aid Society in Mansoura" said it twice).
                let city = DemoVoice(language: language, story: story).cityName
                let sentences = p.body.replacingOccurrences(of: "\n", with: ". ").components(separatedBy: ". ")
                for sentence in sentences where !city.isEmpty {
                    let core = DemoVoice.dropArticle(city)
                    #expect(sentence.components(separatedBy: core).count <= 2, "seed \(seed): \(sentence)")
                }
                if language == .en, !story.act.targetsOrganisation, type == .urgentIntervention {
                    let wrong = story.person.feminine ? [" he ", " his ", " him "] : [" she ", " her "]
                    #expect(!wrong.contains { p.body.contains($0) }, "seed \(seed): pronoun of the other gender")
                }
                if language == .fr, story.person.feminine, !story.act.targetsOrganisation {
                    #expect(!p.body.contains("le défenseur des droits humains \(story.person.name)"))
                }
            }
        }
    }

    // MARK: - the checks

    /// Capitalised words of a title after its country and first word: the names it holds.
    static func names(in title: String) -> [String] {
        let rest = title.split(separator: ":", maxSplits: 1).last ?? ""
        return rest.split(separator: " ").dropFirst().map(String.init)
            .filter { $0.first?.isUppercase == true && $0.count > 2 && !$0.hasPrefix("Observ") }
    }

    static let french = [" le ", " la ", " les ", " des ", " du ", " une "]
    static let spanish = [" el ", " los ", " las ", " del ", " una "]
    static let english = [" the ", " and ", " of ", " with "]

    /// What a reader would notice: placeholders, doubled words, sentences without a full stop, the wrong language.
    /// `strict` adds the words of other languages, which an organisation's own name may hold ("Red de Mujeres
    /// Defensoras de Cali" in an English text): the template test, which knows the name, removes it first.
    static func problems(
        title: String, summary: String, body: String, language: Language,
        strict: Bool = false
    ) -> [String] {
        var found: [String] = []
        let all = title + "\n" + summary + "\n" + body
        for marker in ["{", "}", "[", "]", "|", "%", "\\(", "TODO", "lorem", "(demo)", "  ", " ,", " .", "..", ",,"]
        where all.contains(marker) {
            found.append("contains \"\(marker)\"")
        }
        let words = all.lowercased().split { !$0.isLetter && $0 != "'" }
        for (a, b) in zip(words, words.dropFirst()) where a == b { found.append("doubled \"\(a) \(b)\"") }
        if summary.isEmpty || !(summary.hasSuffix(".") || summary.hasSuffix(".”")) {
            found.append("summary: \(summary)")
        }
        let paragraphs = body.components(separatedBy: "\n\n")
        for (i, paragraph) in paragraphs.enumerated() {
            if paragraph.hasPrefix("## ") { continue }
            if paragraph.hasPrefix("1. ") || paragraph.hasPrefix("- ") {
                let lines = paragraph.split(separator: "\n")
                // French spaces its semicolon, Arabic has its own.
                let separator = [Language.fr: " ;", .ar: "؛"][language] ?? ";"
                if paragraph.hasPrefix("1. "),
                    lines.dropLast().contains(where: { !$0.hasSuffix(separator) })
                        || !lines.last!.hasSuffix(".")
                {
                    found.append("list: \(paragraph)")
                }
                continue
            }
            let opensList =
                paragraph.hasSuffix(":") && paragraphs.indices.contains(i + 1)
                && paragraphs[i + 1].hasPrefix("1. ")
            if !(paragraph.hasSuffix(".") || opensList) { found.append("no full stop: \(paragraph)") }
            if let first = paragraph.first, first.isLetter, first.isLowercase {
                found.append("lower case: \(paragraph)")
            }
        }
        let text = " " + body.replacingOccurrences(of: "\n", with: " ") + " "
        switch language {
        case .en:
            if !text.contains(" the ") { found.append("no English article") }
            for w in [" le ", " les ", " du ", " une ", " el ", " los ", " del "] where strict && text.contains(w) {
                found.append("non-English \"\(w)\"")
            }
        case .fr:
            if !french.contains(where: text.contains) { found.append("no French article") }
            for w in english + [" el ", " los "] where strict && text.contains(w) {
                found.append("non-French \"\(w)\"")
            }
            // "à le voir": "le" is the pronoun there, which French never contracts ("autorisés à le voir").
            let articles = text.replacingOccurrences(of: " à le voir", with: " à X voir")
            for w in [
                " de le ", " de les ", " à le ", " à les ", " de l' ", " que A", " de A", " de E", " de O",
                " de I", " de U", " de É"
            ] where strict && articles.contains(w) {
                found.append("French contraction \"\(w)\"")
            }
        case .es:
            if !spanish.contains(where: text.contains) { found.append("no Spanish article") }
            // Not " les ": Spanish writes it too, the pronoun ("no se les permitió verlo"); French words Spanish never
            // writes instead, and "les" before a noun, where French puts its article.
            for w in english + [
                " le défenseur", " des ", " et ", " du ", " aux ", " pour ", " avec ", " les droits",
                " les défenseurs", " les autorités"
            ] where strict && text.contains(w) {
                found.append("non-Spanish \"\(w)\"")
            }
            for w in [" de el ", " a el ", " y i"] where strict && text.contains(w) {
                found.append("Spanish contraction \"\(w)\"")
            }
        case .ar:
            // Arabic letters, apart from the reference code's Latin letters.
            let letters = text.replacingOccurrences(of: "OBS", with: "").unicodeScalars
                .filter { CharacterSet.letters.contains($0) }
            let arabic = letters.filter { (0x0600...0x06FF).contains($0.value) }.count
            if Double(arabic) < Double(letters.count) * 0.97 { found.append("not Arabic: \(arabic)/\(letters.count)") }
        }
        return found
    }
}
