import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// One term a WordPress item carries: `<category domain="post_tag" nicename="mexico">Mexico</category>`.
public struct WXRTerm: Sendable, Hashable {
    public var domain: String
    public var slug: String
    public var name: String
    public init(domain: String, slug: String, name: String) { self.domain = domain; self.slug = slug; self.name = name }
}

/// One `<item>` of a WXR file, as WordPress wrote it.
public struct WXRItem: Sendable, Equatable {
    public var line = 0
    public var title = "", link = "", guid = "", content = "", excerpt = ""
    public var postID: Int?
    public var postDate = "", postDateGMT = "", postName = "", status = "", postType = "", password = ""
    public var terms: [WXRTerm] = []
    public var meta: [String: String] = [:]
    public init() {}
}

/// The channel's own data: the site's address, its language, and every term it declares
/// (`wp:category`, `wp:tag`, `wp:term`, the last with Polylang's serialized `post_translations` groups).
public struct WXRChannel: Sendable, Equatable {
    public struct Term: Sendable, Equatable {
        public var id: Int?
        public var taxonomy: String, slug: String, name: String, description: String
    }
    public var title = "", link = "", baseSiteURL = "", language = "", wxrVersion = ""
    public var terms: [Term] = []
    public init() {}
}

/// Reads a WXR file piece by piece with flat memory: the channel header, then each `<item>` on its own
/// (found by a byte scanner that skips CDATA sections and comments), each parsed by `XMLParser` alone —
/// so a malformed item is named by its line and the items after it are still read.
public struct WXRReader {
    public enum Piece: Sendable {
        case item(WXRItem)
        /// An item that could not be parsed: its first line and what was wrong.
        case malformed(line: Int, reason: String)
    }

    public static let maximumItemBytes = 32 * 1024 * 1024
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var line = 1
    private var finished = false
    private var rssOpen: [UInt8] = Array(#"<rss version="2.0">"#.utf8)
    public private(set) var channel = WXRChannel()

    /// Whether the first bytes of `prefix` are a WordPress export (an RSS document with the WXR namespace).
    public static func looksLikeWXR(_ prefix: [UInt8]) -> Bool {
        let text = String(decoding: prefix, as: UTF8.self)
        return text.contains("<rss") && text.contains("wordpress.org/export/")
    }

    /// Opens `path` and reads the channel header (up to the first item).
    public init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw WXRError.cannotOpen(path) }
        self.handle = handle
        let header = try readUntilItem()
        if let start = Self.find(Array("<rss".utf8), in: header, from: 0),
            let end = header[start...].firstIndex(of: UInt8(ascii: ">"))
        {
            rssOpen = Array(header[start...end])
        }
        var document = header
        document += Array("</channel></rss>".utf8)
        let collector = ChannelCollector()
        let parser = XMLParser(data: Data(document))
        parser.delegate = collector
        parser.shouldResolveExternalEntities = false
        guard parser.parse() else {
            throw WXRError.badHeader(
                line: parser.lineNumber,
                reason: parser.parserError.map { "\($0.localizedDescription)" } ?? "not XML")
        }
        channel = collector.channel
        guard !channel.wxrVersion.isEmpty || !channel.baseSiteURL.isEmpty else { throw WXRError.notWXR }
    }

    public func close() { try? handle.close() }

    /// The next item, or nil at the end of the file.
    public mutating func next() throws -> Piece? {
        guard let (bytes, firstLine) = try readItem() else { return nil }
        guard bytes.count <= Self.maximumItemBytes else {
            return .malformed(line: firstLine, reason: "item too large (\(bytes.count) bytes)")
        }
        var document = Array(#"<?xml version="1.0" encoding="UTF-8"?>"#.utf8) + rssOpen + Array("<channel>".utf8)
        let prefixLines = document.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        document += bytes
        document += Array("</channel></rss>".utf8)
        let collector = ItemCollector()
        let parser = XMLParser(data: Data(document))
        parser.delegate = collector
        parser.shouldResolveExternalEntities = false
        guard parser.parse(), !collector.failed, var item = collector.item else {
            let at = firstLine + max(0, parser.lineNumber - 1 - prefixLines)
            let reason = parser.parserError.map { ($0 as NSError).code == 0 ? "not XML" : "invalid XML at line \(at)" }
            return .malformed(line: firstLine, reason: reason ?? "invalid XML at line \(at)")
        }
        item.line = firstLine
        return .item(item)
    }

    // MARK: - The byte scanner (indices are absolute offsets in the file; `buffer` starts at `dropped`)

    private var dropped = 0
    /// The first byte that must stay in memory (the start of the item being read).
    private var keep = 0

    private mutating func fill() throws -> Bool {
        guard !finished else { return false }
        let chunk = try handle.read(upToCount: 256 * 1024) ?? Data()
        if chunk.isEmpty { finished = true; return false }
        let drop = keep - dropped
        if drop > 0 { buffer.removeFirst(drop); dropped = keep }
        buffer.append(contentsOf: chunk)
        return true
    }

    private var end: Int { dropped + buffer.count }

    private mutating func byteAt(_ index: Int) throws -> UInt8? {
        while index >= end { guard try fill() else { return nil } }
        return buffer[index - dropped]
    }

    private mutating func matches(_ pattern: [UInt8], at index: Int) throws -> Bool {
        for (k, expected) in pattern.enumerated() {
            guard let byte = try byteAt(index + k), byte == expected else { return false }
        }
        return true
    }

    private static let cdataOpen = Array("<![CDATA[".utf8), cdataClose = Array("]]>".utf8)
    private static let commentOpen = Array("<!--".utf8), commentClose = Array("-->".utf8)
    private static let itemOpen = Array("<item".utf8), itemClose = Array("</item>".utf8)

    /// The absolute offset of the next `<item>` start (or `</item>` when `forEnd`) from `from`, outside CDATA
    /// and comments, counting lines as it goes; nil at the end of the file.
    private mutating func scan(from: Int, forEnd: Bool) throws -> Int? {
        var i = from
        while let byte = try byteAt(i) {
            if byte == 0x0A { line += 1 }
            guard byte == UInt8(ascii: "<") else { i += 1; continue }
            if try matches(Self.cdataOpen, at: i) {
                guard let next = try skip(past: Self.cdataClose, from: i + Self.cdataOpen.count) else { return nil }
                i = next
            } else if try matches(Self.commentOpen, at: i) {
                guard let next = try skip(past: Self.commentClose, from: i + Self.commentOpen.count) else { return nil }
                i = next
            } else if forEnd, try matches(Self.itemClose, at: i) {
                return i
            } else if !forEnd, try matches(Self.itemOpen, at: i),
                let after = try byteAt(i + Self.itemOpen.count), [0x3E, 0x20, 0x09, 0x0A, 0x0D].contains(after)
            {
                return i
            } else {
                i += 1
            }
        }
        return nil
    }

    private mutating func skip(past close: [UInt8], from start: Int) throws -> Int? {
        var i = start
        while let byte = try byteAt(i) {
            if byte == 0x0A { line += 1 }
            if byte == close[0], try matches(close, at: i) { return i + close.count }
            i += 1
        }
        return nil
    }

    private var nextItem: Int?

    private mutating func readUntilItem() throws -> [UInt8] {
        nextItem = try scan(from: 0, forEnd: false)
        return Array(buffer[0..<((nextItem ?? end) - dropped)])
    }

    private mutating func readItem() throws -> ([UInt8], Int)? {
        guard let start = nextItem else { return nil }
        keep = start
        let firstLine = line
        guard let close = try scan(from: start + Self.itemOpen.count, forEnd: true) else {
            nextItem = nil
            return (Array(buffer[(start - dropped)...]), firstLine)
        }
        let stop = close + Self.itemClose.count
        let bytes = Array(buffer[(start - dropped)..<(stop - dropped)])
        keep = stop
        nextItem = try scan(from: stop, forEnd: false)
        if let nextItem { keep = nextItem } else { keep = end }
        return (bytes, firstLine)
    }

    static func find(_ pattern: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= pattern.count else { return nil }
        var i = start
        while i + pattern.count <= bytes.count {
            if bytes[i] == pattern[0], Array(bytes[i..<i + pattern.count]) == pattern { return i }
            i += 1
        }
        return nil
    }
}

public enum WXRError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(String)
    case badHeader(line: Int, reason: String)
    case notWXR
    public var description: String {
        switch self {
        case .cannotOpen(let path): "cannot open \(path): no such file or not readable"
        case .badHeader(
            let line,
            let reason):
            "line \(line): the WordPress export's header is not valid XML (\(reason))"
        case .notWXR: "not a WordPress export (no wp:wxr_version or wp:base_site_url in its channel)"
        }
    }
}

// MARK: - XMLParser delegates

private final class ChannelCollector: NSObject, XMLParserDelegate {
    var channel = WXRChannel()
    private var stack: [String] = []
    private var text = ""
    private var term = WXRChannel.Term(taxonomy: "", slug: "", name: "", description: "")

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        stack.append(name)
        text = ""
        if ["wp:category", "wp:tag", "wp:term"].contains(name) {
            term = WXRChannel.Term(
                taxonomy: name == "wp:category" ? "category" : name == "wp:tag" ? "post_tag" : "",
                slug: "", name: "", description: "")
        }
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
    func parser(_ parser: XMLParser, foundCDATA data: Data) { text += String(decoding: data, as: UTF8.self) }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        let parent = stack.count >= 2 ? stack[stack.count - 2] : ""
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        switch (parent, name) {
        case ("channel", "title"): channel.title = value
        case ("channel", "link"): channel.link = value
        case ("channel", "language"): channel.language = value
        case ("channel", "wp:base_site_url"): channel.baseSiteURL = value
        case ("channel", "wp:wxr_version"): channel.wxrVersion = value
        case (_, "wp:term_id"): term.id = Int(value)
        case (_, "wp:category_nicename"), (_, "wp:tag_slug"), (_, "wp:term_slug"): term.slug = value
        case (_, "wp:cat_name"), (_, "wp:tag_name"), (_, "wp:term_name"): term.name = value
        case (_, "wp:term_taxonomy"): term.taxonomy = value
        case (_, "wp:category_description"), (_, "wp:tag_description"),
            (
                _,
                "wp:term_description"
            ):
            term.description = value
        case ("channel", "wp:category"), ("channel", "wp:tag"), ("channel", "wp:term"): channel.terms.append(term)
        default: break
        }
        stack.removeLast()
        text = ""
    }
}

private final class ItemCollector: NSObject, XMLParserDelegate {
    var item: WXRItem?
    var failed = false

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) { failed = true; parser.abortParsing() }
    private var current = WXRItem()
    private var stack: [String] = []
    private var text = ""
    private var termAttributes: [String: String] = [:]
    private var metaKey = "", metaValue = ""

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        stack.append(name)
        text = ""
        if name == "item" { current = WXRItem() }
        if name == "category" { termAttributes = attributes }
        if name == "wp:postmeta" { metaKey = ""; metaValue = "" }
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
    func parser(_ parser: XMLParser, foundCDATA data: Data) { text += String(decoding: data, as: UTF8.self) }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        let parent = stack.count >= 2 ? stack[stack.count - 2] : ""
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if parent == "item" {
            switch name {
            case "title": current.title = trimmed
            case "link": current.link = trimmed
            case "guid": current.guid = trimmed
            case "content:encoded": current.content = text
            case "excerpt:encoded": current.excerpt = trimmed
            case "wp:post_id": current.postID = Int(trimmed)
            case "wp:post_date": current.postDate = trimmed
            case "wp:post_date_gmt": current.postDateGMT = trimmed
            case "wp:post_name": current.postName = trimmed
            case "wp:status": current.status = trimmed
            case "wp:post_type": current.postType = trimmed
            case "wp:post_password": current.password = trimmed
            case "category":
                current.terms.append(
                    WXRTerm(
                        domain: termAttributes["domain"] ?? "category",
                        slug: termAttributes["nicename"] ?? "", name: trimmed))
            case "wp:postmeta": if !metaKey.isEmpty { current.meta[metaKey] = metaValue }
            default: break
            }
        } else if parent == "wp:postmeta" {
            if name == "wp:meta_key" { metaKey = trimmed } else if name == "wp:meta_value" { metaValue = trimmed }
        }
        if name == "item" { item = current }
        stack.removeLast()
        text = ""
    }
}
