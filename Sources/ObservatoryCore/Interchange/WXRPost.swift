import Foundation

/// What one WordPress item becomes.
public enum WXRPostOutcome: Sendable, Equatable {
    /// A published post: the publication, its old addresses (normalised, see `LegacyPath`) and its translation group.
    case publication(ArchivePublication, oldPaths: [String], group: String?)
    /// Not a public post: counted under this name (`draft`, `private`, `attachment`, `nav_menu_item`, …).
    case skipped(String)
    /// A post that cannot be stored, with every reason (`title: empty`).
    case rejected([String])
}

/// Turns WordPress items into interchange publications, with the mapping for categories and tags.
public struct WXRPostMapper: Sendable {
    public let channel: WXRChannel
    public let mapping: WXRMapping
    public let countries: CountryDirectory
    public let parser: ArchiveLineParser
    /// The id prefix of this site's posts: `wp-defenders.example.org-` (the same on every import of the site).
    public let idPrefix: String
    /// The path the old site lived under (`/blog` for `https://example.org/blog`), "" at the root.
    public let basePath: String

    public init(channel: WXRChannel, mapping: WXRMapping = WXRMapping(), countries: CountryDirectory = .shared) {
        self.channel = channel
        self.mapping = mapping
        self.countries = countries
        self.parser = ArchiveLineParser(countries: countries)
        let site = channel.baseSiteURL.isEmpty ? channel.link : channel.baseSiteURL
        self.idPrefix = "wp-" + Self.siteKey(site) + "-"
        let path = URLComponents(string: site)?.percentEncodedPath ?? ""
        self.basePath = path == "/" ? "" : String(path.reversed().drop(while: { $0 == "/" }).reversed())
    }

    /// The site's address as an id: host and path, lower case, other characters as `-`.
    static func siteKey(_ site: String) -> String {
        var text = site.lowercased()
        for scheme in [
            "https://",
            "http://"
        ] where text.hasPrefix(scheme) { text = String(text.dropFirst(scheme.count)) }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.-")
        var key = String(text.map { allowed.contains($0) ? $0 : "-" })
        while key.hasSuffix("-") { key.removeLast() }
        return key.isEmpty ? "site" : String(key.prefix(120))
    }

    public static let translationsTaxonomy = "post_translations"
    public static let languageTaxonomy = "language"

    public func outcome(of item: WXRItem) -> WXRPostOutcome {
        let type = item.postType.isEmpty ? "post" : item.postType
        guard type == "post" else { return .skipped(type) }
        guard item.status == "publish" else { return .skipped(item.status.isEmpty ? "no status" : item.status) }
        guard item.password.isEmpty else { return .skipped("password-protected") }
        guard let postID = item.postID else { return .rejected(["wp:post_id: missing"]) }
        var problems: [String] = []
        let date = Self.date(item.postDateGMT) ?? Self.date(item.postDate)
        if date == nil { problems.append("wp:post_date_gmt: \"\(item.postDateGMT.prefix(30))\" is not a date") }
        let language = language(of: item)
        guard let languageCode = language else {
            return .rejected(problems + ["language: none in the item (Polylang, WPML) nor in the channel"])
        }
        var postType: PublicationType? = nil
        var kind: InterventionKind? = nil
        var programmes: [String] = []
        var countryCodes: [String] = []
        let terms = item.terms.filter { WXRMapping.taxonomies.contains($0.domain) }
        // Categories decide the type before tags do.
        for term in terms.sorted(by: { ($0.domain == "category" ? 0 : 1) < ($1.domain == "category" ? 0 : 1) }) {
            for target in mapping.targets(for: term, countries: countries) {
                switch target {
                case .type(let t): if postType == nil { postType = t }
                case .kind(let k): if kind == nil { kind = k }
                case .programme(let p): if !programmes.contains(p.rawValue) { programmes.append(p.rawValue) }
                case .country(let c): if !countryCodes.contains(c) { countryCodes.append(c) }
                }
            }
        }
        let finalType = postType ?? .news
        var record: [String: Any] = [
            "id": idPrefix + String(postID),
            "type": finalType.rawValue,
            "language": languageCode,
            "published": date?.description ?? "",
            "title": WordPressContent.plainText(item.title),
            "summary": WordPressContent.plainText(item.excerpt),
            "body": WordPressContent.markdown(from: item.content),
            "countries": countryCodes,
            "programmes": programmes
        ]
        if finalType == .urgentIntervention, let kind { record["kind"] = kind.rawValue }
        guard problems.isEmpty else { return .rejected(problems) }
        guard let json = try? JSONSerialization.data(withJSONObject: record) else {
            return .rejected(["item: not encodable"])
        }
        switch parser.parse(Array(json), number: item.line) {
        case .rejected(let found):
            return .rejected(found.map { "\($0.field == "language" ? "language" : $0.field): \($0.reason)" })
        case .accepted(.organisation):
            return .rejected(["item: not a post"])
        case .accepted(.publication(let publication)):
            return .publication(publication, oldPaths: oldPaths(of: item, postID: postID), group: group(of: item))
        }
    }

    /// Polylang's `language` term, WPML's language, else the channel's `<language>`; the primary tag, lower case.
    func language(of item: WXRItem) -> String? {
        let raw =
            item.terms.first { $0.domain == Self.languageTaxonomy }?.slug
            ?? item.meta["_wpml_language"] ?? item.meta["wpml_language"]
            ?? item.terms.first { $0.domain == "wpml_language" || $0.domain == "translation_language" }?.slug
            ?? channel.language
        let primary = raw.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map(String.init) ?? ""
        return primary.isEmpty ? nil : primary
    }

    /// The translation group: Polylang's `post_translations` term, or WPML's translation id (`trid`).
    func group(of item: WXRItem) -> String? {
        if let term = item.terms.first(where: { $0.domain == Self.translationsTaxonomy }), !term.slug.isEmpty {
            return "pll:" + term.slug
        }
        for key in ["_wpml_trid", "wpml_trid", "_icl_translation_trid", "trid"] {
            if let trid = item.meta[key], !trid.isEmpty { return "wpml:" + trid }
        }
        return nil
    }

    /// `YYYY-MM-DD` from `2016-09-30 10:15:00`; nil for WordPress's `0000-00-00 00:00:00`.
    static func date(_ text: String) -> CivilDate? {
        CivilDate(String(text.prefix(10)))
    }

    func oldPaths(of item: WXRItem, postID: Int) -> [String] {
        var keys: [String] = []
        for address in [item.link, item.guid, "\(basePath)/?p=\(postID)"] {
            if let key = LegacyPath.key(ofAddress: address), key != LegacyPath.key(ofAddress: basePath + "/"),
                !keys.contains(key)
            {
                keys.append(key)
            }
        }
        return keys
    }

    /// The archive paths of a category or tag, and of their feeds (`/category/slug/`, `/tag/slug/feed/`).
    public func archivePaths(of term: WXRTerm) -> (list: [String], feed: [String]) {
        let base = term.domain == "category" ? "category" : "tag"
        let list = [
            "\(basePath)/\(base)/\(term.slug)",
            "\(basePath)/?\(term.domain == "category" ? "category_name" : "tag")=\(term.slug)"
        ]
        let feed = ["\(basePath)/\(base)/\(term.slug)/feed"]
        return (list.compactMap(LegacyPath.key(ofAddress:)), feed.compactMap(LegacyPath.key(ofAddress:)))
    }

    /// The site's own feeds.
    public var feedPaths: [String] {
        [
            "\(basePath)/feed", "\(basePath)/feed/rss2", "\(basePath)/feed/atom", "\(basePath)/?feed=rss2",
            "\(basePath)/?feed=atom"
        ]
        .compactMap(LegacyPath.key(ofAddress:))
    }

    /// Polylang's translation groups declared in the channel: group → language → post id
    /// (the term's description is PHP-serialized: `a:2:{s:2:"en";i:4;s:2:"fr";i:5;}`).
    public var declaredGroups: [String: [String: Int]] {
        var groups: [String: [String: Int]] = [:]
        for term in channel.terms where term.taxonomy == Self.translationsTaxonomy {
            groups["pll:" + term.slug] = PHPSerialized.stringToInt(term.description)
        }
        return groups
    }
}

/// Old addresses as keys: the path percent-decoded, Unicode-normalised, lower case, without trailing slashes,
/// and of the query only the one parameter WordPress routes by (`?p=123`, `?page_id=`, `?cat=`, `?tag=`, `?feed=`).
/// The importer stores keys; a request's path and query are turned into a key the same way and looked up.
public enum LegacyPath {
    public static let queryParameters = ["p", "page_id", "attachment_id", "cat", "category_name", "tag", "feed"]
    public static let maximumLength = 1_000

    /// The key of a full address (`https://site.org/2016/09/30/slug/`) or of a path with its query.
    public static func key(ofAddress address: String) -> String? {
        var rest = Substring(address.trimmingCharacters(in: .whitespaces))
        if let scheme = rest.range(of: "://") {
            rest = rest[scheme.upperBound...]
            rest =
                rest.firstIndex(of: "/").map { rest[$0...] }
                ?? (rest.firstIndex(of: "?").map { "/" + rest[$0...] }
                    ?? "/")
        }
        let path = rest.prefix { $0 != "?" && $0 != "#" }
        let query = rest.firstIndex(of: "?").map { rest[rest.index(after: $0)...].prefix { $0 != "#" } } ?? ""
        return key(path: String(path), query: String(query))
    }

    public static func key(path: String, query: String) -> String? {
        guard path.hasPrefix("/"), path.utf8.count + query.utf8.count <= maximumLength else { return nil }
        let decoded = (path.removingPercentEncoding ?? path).precomposedStringWithCanonicalMapping.lowercased()
        guard !decoded.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return nil }
        var segments = decoded.split(separator: "/").map(String.init)
        if segments.last == "index.php" { segments.removeLast() }
        let clean = "/" + segments.joined(separator: "/")
        var pairs: [String: String] = [:]
        for part in query.split(separator: "&") {
            let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2, let name = kv[0].removingPercentEncoding?.lowercased(),
                pairs[name] == nil
            else { continue }
            let value = kv[1].replacingOccurrences(of: "+", with: " ")
            pairs[name] = (value.removingPercentEncoding ?? value).precomposedStringWithCanonicalMapping.lowercased()
        }
        if let name = queryParameters.first(where: { pairs[$0].map { !$0.isEmpty } ?? false }) {
            return clean + "?" + name + "=" + pairs[name]!
        }
        return clean
    }
}

/// Just enough of PHP's `serialize()` to read Polylang's translation groups: an array of string keys to integers.
public enum PHPSerialized {
    public static func stringToInt(_ text: String) -> [String: Int] {
        var out: [String: Int] = [:]
        let chars = Array(text.utf8)
        var i = 0
        func readInt(until end: UInt8) -> Int? {
            var j = i
            while j < chars.count, chars[j] != end { j += 1 }
            guard j < chars.count, let value = Int(String(decoding: chars[i..<j], as: UTF8.self)) else { return nil }
            i = j + 1
            return value
        }
        guard chars.starts(with: Array("a:".utf8)) else { return [:] }
        i = 2
        guard readInt(until: UInt8(ascii: ":")) != nil, i < chars.count,
            chars[i] == UInt8(ascii: "{")
        else { return [:] }
        i += 1
        while i + 2 < chars.count, chars[i] == UInt8(ascii: "s"), chars[i + 1] == UInt8(ascii: ":") {
            i += 2
            guard let length = readInt(until: UInt8(ascii: ":")), length >= 0, i + length + 2 < chars.count,
                chars[i] == UInt8(ascii: "\"")
            else { return out }
            let key = String(decoding: chars[(i + 1)..<(i + 1 + length)], as: UTF8.self)
            i += length + 2
            guard i < chars.count, chars[i] == UInt8(ascii: ";") else { return out }
            i += 1
            guard i + 1 < chars.count, chars[i] == UInt8(ascii: "i"),
                chars[i + 1] == UInt8(ascii: ":")
            else { return out }
            i += 2
            guard let value = readInt(until: UInt8(ascii: ";")) else { return out }
            out[key] = value
        }
        return out
    }
}
