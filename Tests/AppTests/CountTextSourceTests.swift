import Foundation
import ObservatoryCore
import Testing

/// Reads the source: a number is never written beside a noun in Swift (`"\(n) publications"`, `"\(count) item\(count
/// == 1 ? "" : "s")"`), where English grammar would be fixed for every language and "1 publications" comes back;
/// a counted text is a plural lookup, `t("list.count", count: n)`, whose forms follow each language's CLDR rules.
/// The same holds for the i18n files: a text that puts `{n}` before a word is a counted text with plural forms.
@Suite struct CountTextSourceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Messages for operators, never on a page, a feed, an e-mail or a report: the command line, logs, import and
    /// backup reports (English by design, and their numbers are counts of rows, bytes or lines), and texts whose
    /// number is a fixed limit of two or more.
    static let exempt: [(file: String, fragment: String)] = [
        ("Sources/App/Commands/", ""),  // command-line output
        ("Sources/App/Setup/configure.swift", "app.logger"),  // a log line
        ("Sources/App/Features/Backup/Backup.swift", "tables"),  // backup and restore reports
        ("Sources/App/Features/Keys/KeyRotation.swift", "progress("),  // key rotation, on the command line
        ("Sources/App/Features/Audit/AuditLog.swift", "entries re"),  // re-chaining, on the command line
        ("Sources/App/Features/Audit/AuditLog.swift", "entries read"),
        ("Sources/App/Features/Publications/ArchiveImporter.swift", "bytes)"),  // import report, per line
        ("Sources/App/Features/Interchange/CSVImporter.swift", "fields, the header"),
        ("Sources/App/Features/Mail/MailWorker.swift", "attempts"),  // the fixed number of attempts (5)
        ("Sources/App/Features/Accounts/AccountPages.swift", "PasswordPolicy.minimumLength"),  // 12
        ("Sources/ObservatoryCore/Accounts/PasswordPolicy.swift", "imum"),  // 12 characters, 72 bytes
        ("Sources/ObservatoryCore/ArchiveLineParser.swift", "bytes"),  // import report, over the limit
        ("Sources/ObservatoryCore/FieldReader.swift", "characters, at most"),  // always over the limit
        ("Sources/ObservatoryCore/Search/SearchQuery.swift", "characters long"),  // over 500; pages use the lookup
        ("Sources/ObservatoryCore/Interchange/", ""),  // import reports and the mapping file
        ("Sources/ObservatoryCore/Backup/BackupManifest.swift", ""),  // backup verification report
        ("Sources/ObservatoryCore/Localization/Translations.swift", "1er"),  // a date, not a count
        // The offline kit: `kit open` and `kit return` speak on the command line; the export's audit detail is
        // the audit trail's English; a binary value in a conflict is shown by its size.
        ("Sources/App/Features/Kit/KitOffline.swift", ""), ("Sources/App/Features/Kit/KitReturn.swift", ""),
        ("Sources/App/Features/Kit/KitExport.swift", "kit export:"),
        ("Sources/App/Features/Kit/KitExport.swift", "detail:"),
        ("Sources/App/Features/Kit/KitExport.swift", "bytes, expires"),
        ("Sources/App/Features/Kit/KitConflicts.swift", "bytes)")
    ]

    static let number = #"\\\((?:String\()?[\w.]*(?:[cC]ount|[tT]otal|[nN]umber)\)?\) [a-z]{3,}"#
    static let nouns =
        "days|hours|minutes|seconds|items|people|persons|cases|publications|organisations|results"
        + "|entries|actions|values|fields|devices|files|reports|countries|defenders|attempts|bytes|characters|rows"
        + "|tables|lines|answers|subscribers|messages|letters|grants|missions|campaigns|calls|interventions"
    static let patterns = [number, #"\\\([\w.]+\) (?:"# + nouns + #")\b"#, #"== 1 \? ""#]

    static func findings(in text: String, file: String) -> [String] {
        var found: [String] = []
        let regexes = patterns.map { try! Regex($0) }
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard regexes.contains(where: { line.contains($0) }) else { continue }
            let exempted = exempt.contains { place in
                file.hasPrefix(place.file) && (place.fragment.isEmpty || line.contains(place.fragment))
            }
            if exempted { continue }
            found.append("\(file):\(index + 1): \(line.trimmingCharacters(in: .whitespaces))")
        }
        return found
    }

    @Test func noNumberIsWrittenBesideANounInSwift() throws {
        var found: [String] = []
        for folder in ["Sources/App", "Sources/ObservatoryCore"] {
            let base = Self.root.appendingPathComponent(folder)
            let files = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil)!
            for case let url as URL in files where url.pathExtension == "swift" {
                let file = String(url.path.dropFirst(Self.root.path.count + 1))
                found += Self.findings(in: try String(contentsOf: url, encoding: .utf8), file: file)
            }
        }
        #expect(
            found.isEmpty,
            "use t(key, count:) with plural forms in the i18n files:\n\(found.joined(separator: "\n"))")
    }

    /// The scan itself: each way of writing a count beside a noun is caught, and a lookup is not.
    @Test func theScanCatchesEachWayOfWritingACount() {
        let caught = [
            #"<p>\(String(total)) publications</p>"#, #""\(count) people said they took action""#,
            #""Show \(c.total) organisations""#, #""\(results.count) results""#, #""\(days) days""#,
            #""\(n) value\(n == 1 ? "" : "s")""#, #""\(sessions == 1 ? "device" : "devices")""#,
            #""\(items.count) actions this month""#
        ]
        for line in caught {
            #expect(!Self.findings(in: line, file: "Sources/App/Features/X.swift").isEmpty, "\(line)")
        }
        for line in [#"\(t("list.count", count: c.total))"#, #""Page \(page) of \(pages)""#, #""\(title), page""#] {
            #expect(Self.findings(in: line, file: "Sources/App/Features/X.swift").isEmpty, "\(line)")
        }
    }

    /// Texts whose number is a fixed limit of two or more (12 characters, 72 bytes, 2,000 characters).
    static let fixedLimits: Set<String> = [
        "password.too-short", "password.too-long", "office.password.hint",
        "partner.error.note-too-long"
    ]

    /// A plain text of an i18n file that puts a number before a word needs plural forms (only "{n} new", an
    /// adjective that no language of the site inflects for the number, is a plain text).
    @Test(arguments: Language.allCases)
    func noPlainTextOfTheI18nFilesCountsANoun(_ language: Language) throws {
        let url = Self.root.appendingPathComponent("Sources/ObservatoryCore/Resources/i18n-\(language.rawValue).txt")
        let texts = Translations.parse(try String(contentsOf: url, encoding: .utf8))
        let counting = try Regex(#"\{(?:n|count|total)\} \p{L}"#)
        let found = texts.filter { key, text in
            PluralCategory.split(key: key) == nil && key != "facts.new" && !Self.fixedLimits.contains(key)
                && text.contains(counting)
        }
        #expect(found.isEmpty, "\(language.rawValue): \(found.keys.sorted())")
    }
}
