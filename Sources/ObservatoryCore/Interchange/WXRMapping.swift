import Foundation

/// How a WordPress site's categories and tags become a publication's type, kind, programmes and countries.
///
/// The file `--write-mapping` writes and `--mapping` reads, one term a line, `#` starting a comment:
///
///     category:urgent-appeals = type:urgent-intervention kind:urgent-appeal   # Urgent appeals (12 posts)
///     post_tag:mexico = country:MX                                            # Mexico (3 posts)
///     post_tag:lawyers = ignore
public struct WXRMapping: Sendable, Equatable {
    public enum Target: Sendable, Hashable, CustomStringConvertible {
        case type(PublicationType), kind(InterventionKind), programme(Programme), country(String)
        public var description: String {
            switch self {
            case .type(let t): "type:\(t.rawValue)"
            case .kind(let k): "kind:\(k.rawValue)"
            case .programme(let p): "programme:\(p.rawValue)"
            case .country(let c): "country:\(c)"
            }
        }
    }

    /// Targets by `taxonomy:slug`; an empty list means "ignore this term".
    public var entries: [String: [Target]] = [:]
    public init(entries: [String: [Target]] = [:]) { self.entries = entries }

    /// A line of the file that says something wrong, named by its number.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public let line: Int
        public let reason: String
        public var description: String { "mapping line \(line): \(reason)" }
    }

    public static let taxonomies: Set<String> = ["category", "post_tag"]

    public static func key(_ term: WXRTerm) -> String { "\(term.domain):\(term.slug)" }

    /// Parses the file; every bad line is a problem (nothing is imported with a half-read mapping).
    /// Every bad line of a mapping file.
    public struct Problems: Error, Sendable, CustomStringConvertible {
        public let all: [Problem]
        public var description: String { all.map(\.description).joined(separator: "\n") }
    }

    public static func parse(_ text: String, countries: CountryDirectory = .shared) throws(Problems) -> WXRMapping {
        var mapping = WXRMapping()
        var problems: [Problem] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = raw.prefix { $0 != "#" }.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            guard let equals = line.firstIndex(of: "=") else {
                problems.append(Problem(line: number, reason: "expected `taxonomy:slug = targets`")); continue
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            let parts = key.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, taxonomies.contains(String(parts[0])), !parts[1].isEmpty else {
                problems.append(
                    Problem(
                        line: number,
                        reason: "\"\(key.prefix(60))\" is not category:slug or post_tag:slug"))
                continue
            }
            var targets: [Target] = []
            for word in line[line.index(after: equals)...].split(whereSeparator: {
                $0 == " " || $0 == ","
                    || $0 == "\t"
            }) {
                if word == "ignore" { continue }
                let pair = word.split(separator: ":", maxSplits: 1).map(String.init)
                guard pair.count == 2 else {
                    problems.append(Problem(line: number, reason: "\"\(word.prefix(60))\" is not name:value")); continue
                }
                switch pair[0] {
                case "type":
                    if let t = PublicationType(rawValue: pair[1]) {
                        targets.append(.type(t))
                    } else {
                        problems.append(
                            Problem(
                                line: number,
                                reason: "unknown type \"\(pair[1].prefix(40))\" (expected one of "
                                    + PublicationType.allCases.map(\.rawValue).joined(separator: ", ") + ")"))
                    }
                case "kind":
                    if let k = InterventionKind(rawValue: pair[1]) {
                        targets.append(.kind(k))
                    } else {
                        problems.append(
                            Problem(
                                line: number,
                                reason: "unknown kind \"\(pair[1].prefix(40))\" (expected one of "
                                    + InterventionKind.allCases.map(\.rawValue).joined(separator: ", ") + ")"))
                    }
                case "programme":
                    if let p = Programme(rawValue: pair[1]) {
                        targets.append(.programme(p))
                    } else {
                        problems.append(Problem(line: number, reason: "unknown programme \"\(pair[1].prefix(40))\""))
                    }
                case "country":
                    if let c = countries.resolve(pair[1]) {
                        targets.append(.country(c.code))
                    } else {
                        problems.append(Problem(line: number, reason: "unknown country \"\(pair[1].prefix(40))\""))
                    }
                default:
                    problems.append(
                        Problem(
                            line: number,
                            reason: "\"\(pair[0].prefix(40))\" is not type, kind, programme or country"))
                }
            }
            mapping.entries[key] = targets
        }
        guard problems.isEmpty else { throw Problems(all: problems) }
        return mapping
    }

    /// A first guess from a term's slug and name: types and kinds by keyword, programmes by their slug or name,
    /// countries through the country directory (names in any of its languages, codes, legacy spellings).
    public static func guess(_ term: WXRTerm, countries: CountryDirectory = .shared) -> [Target] {
        let words = (term.slug + " " + term.name).lowercased()
            .folding(options: [.diacriticInsensitive], locale: nil)
        func has(_ any: String...) -> Bool { any.contains { words.contains($0) } }
        var targets: [Target] = []
        if has("urgent", "appeal", "urgen", "appel", "llamamiento") {
            targets += [.type(.urgentIntervention), .kind(.urgentAppeal)]
        } else if has("press", "communique", "comunicado") {
            targets += [.type(.urgentIntervention), .kind(.pressRelease)]
        } else if has("open-letter", "open letter", "lettre ouverte", "carta abierta") {
            targets += [.type(.urgentIntervention), .kind(.openLetter)]
        } else if has("statement", "declaration", "declaracion") {
            targets.append(.type(.statement))
        } else if has("report", "rapport", "informe", "publication") {
            targets.append(.type(.report))
        } else if has("event", "evenement", "evento", "conference", "agenda") {
            targets.append(.type(.event))
        } else if has("news", "actualite", "noticia") {
            targets.append(.type(.news))
        }
        for programme in Programme.allCases
        where words.contains(programme.rawValue)
            || words.contains(programme.englishLabel.lowercased())
        {
            targets.append(.programme(programme))
        }
        if targets.isEmpty, term.domain != "category" || true {
            if let country = countries.resolve(term.name)
                ?? countries.resolve(
                    term.slug.replacingOccurrences(
                        of: "-",
                        with: " "))
            {
                targets.append(.country(country.code))
            }
        }
        return targets
    }

    /// The targets of `term`: the file's when it names the term, else the guess.
    public func targets(for term: WXRTerm, countries: CountryDirectory = .shared) -> [Target] {
        entries[Self.key(term)] ?? Self.guess(term, countries: countries)
    }

    /// The editable file: every category and tag with its guessed mapping, the most used first.
    public static func file(
        terms: [(term: WXRTerm, posts: Int)], site: String,
        countries: CountryDirectory = .shared
    ) -> String {
        var out = """
            # How the categories and tags of \(site) become Observatory fields.
            # One term a line: `taxonomy:slug = targets`, where targets are any of
            #   type:\(PublicationType.allCases.map(\.rawValue).joined(separator: "|"))
            #   kind:\(InterventionKind.allCases.map(\.rawValue).joined(separator: "|"))   (urgent interventions only)
            #   programme:\(Programme.allCases.map(\.rawValue).joined(separator: "|"))
            #   country:CODE   (ISO 3166-1 alpha-2, EU, or a country's name)
            # or `ignore`. The guesses below are only guesses: check every line. A post with no type is `news`.
            # Then: observatory import SITE.wxr --mapping THIS-FILE

            """
        let sorted = terms.sorted {
            ($0.term.domain, -$0.posts, $0.term.slug) < (
                $1.term.domain, -$1.posts,
                $1.term.slug
            )
        }
        for (term, posts) in sorted where taxonomies.contains(term.domain) {
            let guess = Self.guess(term, countries: countries)
            let left = "\(key(term)) = \(guess.isEmpty ? "ignore" : guess.map(\.description).joined(separator: " "))"
            let name = term.name.split(whereSeparator: { $0.isNewline }).joined(separator: " ")
            out +=
                left.padding(toLength: max(left.count, 60), withPad: " ", startingAt: 0)
                + "  # \(name) (\(posts) post\(posts == 1 ? "" : "s"))\n"
        }
        return out
    }
}
