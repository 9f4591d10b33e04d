import Foundation

/// A careful RFC 4180 reader and writer: UTF-8 with or without a byte-order mark, `,` or `;` (detected from the
/// header line, outside quotes), quoted fields holding separators, quotes (`""`) and line breaks, CRLF or LF.
public struct CSVReader {
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case unterminatedQuote(row: Int)
        case textAfterQuote(row: Int, column: Int)
        case notUTF8(row: Int)
        case rowTooLong(row: Int)
        public var description: String {
            switch self {
            case .unterminatedQuote(let row): "row \(row): a quoted field is never closed"
            case .textAfterQuote(let row, let column): "row \(row), column \(column): text after a closing quote"
            case .notUTF8(let row): "row \(row): not UTF-8 text"
            case .rowTooLong(let row): "row \(row): longer than \(CSVReader.maximumRowBytes) bytes"
            }
        }
    }

    public static let maximumRowBytes = 4_000_000
    public private(set) var separator: UInt8 = UInt8(ascii: ",")
    /// The row number (1 = the header) of the record `next` returned last, counting records, not lines.
    public private(set) var row = 0
    private let read: () throws -> [UInt8]?
    private var buffer: [UInt8] = []
    private var index = 0
    private var atEnd = false
    private var started = false

    /// `read` returns the next chunk of bytes, or nil at the end.
    public init(read: @escaping () throws -> [UInt8]?) { self.read = read }

    public init(bytes: [UInt8]) {
        var given = false
        self.init(read: {
            if given { return nil }; given = true; return bytes
        })
    }

    private mutating func more() throws -> Bool {
        guard !atEnd else { return false }
        guard let chunk = try read(), !chunk.isEmpty else { atEnd = true; return false }
        if index > 0 { buffer.removeFirst(index); index = 0 }
        buffer += chunk
        return true
    }

    private mutating func begin() throws {
        started = true
        while buffer.count < 4096, try more() {}
        if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        // The separator is the one of `,` and `;` most frequent in the first line outside quotes.
        var commas = 0, semicolons = 0, quoted = false
        for byte in buffer[index...] {
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if quoted { continue }
            if byte == 0x0A || byte == 0x0D { break }
            if byte == UInt8(ascii: ",") { commas += 1 }
            if byte == UInt8(ascii: ";") { semicolons += 1 }
        }
        separator = semicolons > commas ? UInt8(ascii: ";") : UInt8(ascii: ",")
    }

    /// The next record's fields, or nil at the end. Blank lines are skipped.
    public mutating func next() throws -> [String]? {
        if !started { try begin() }
        while true {
            guard let fields = try record() else { return nil }
            if fields.count == 1 && fields[0].isEmpty { continue }
            return fields
        }
    }

    private mutating func peek() throws -> UInt8? {
        if index >= buffer.count { guard try more() else { return nil } }
        return buffer[index]
    }

    private mutating func record() throws -> [String]? {
        guard try peek() != nil else { return nil }
        row += 1
        var fields: [String] = []
        var field: [UInt8] = []
        var bytes = 0
        func finish(_ field: [UInt8]) throws -> String {
            guard let text = String(validating: field, as: UTF8.self) else { throw Failure.notUTF8(row: row) }
            return text
        }
        while true {
            guard let byte = try peek() else {
                fields.append(try finish(field)); return fields
            }
            bytes += 1
            if bytes > Self.maximumRowBytes { throw Failure.rowTooLong(row: row) }
            index += 1
            if byte == UInt8(ascii: "\"") && field.isEmpty {
                // A quoted field: up to the closing quote; "" is a quote.
                while true {
                    guard let inner = try peek() else { throw Failure.unterminatedQuote(row: row) }
                    index += 1
                    bytes += 1
                    if bytes > Self.maximumRowBytes { throw Failure.rowTooLong(row: row) }
                    if inner == UInt8(ascii: "\"") {
                        if try peek() == UInt8(ascii: "\"") { index += 1; field.append(inner); continue }
                        break
                    }
                    field.append(inner)
                }
                let after = try peek()
                if after == nil || after == separator || after == 0x0A || after == 0x0D { continue }
                throw Failure.textAfterQuote(row: row, column: fields.count + 1)
            }
            if byte == separator {
                fields.append(try finish(field)); field = []
            } else if byte == 0x0A || byte == 0x0D {
                if byte == 0x0D, try peek() == 0x0A { index += 1 }
                fields.append(try finish(field))
                return fields
            } else {
                field.append(byte)
            }
        }
    }

    /// One field for a CSV file: quoted when it holds a separator, a quote or a line break (or starts with a space).
    /// (`"\r\n"` is one Character in Swift, neither "\r" nor "\n": hence `isNewline`.)
    public static func field(_ text: String, separator: Character = ",") -> String {
        // Both separators are quoted: a reader that guesses the separator must not split a cell at the other one.
        let needs =
            text.contains(where: { $0 == separator || $0 == "," || $0 == ";" || $0 == "\"" || $0.isNewline })
            || text.first == " " || text.last == " "
        return needs ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    public static func line(_ fields: [String], separator: Character = ",", guardFormulas: Bool = false) -> String {
        fields.map { field(guardFormulas ? guarded($0) : $0, separator: separator) }
            .joined(separator: String(separator)) + "\r\n"
    }

    /// Whether `text` is `'`* then a character a spreadsheet starts a formula with (`CSVText.formulaStarts`).
    static func looksGuarded(_ text: Substring.UnicodeScalarView) -> Bool {
        guard let first = text.first(where: { $0 != "'" }) else { return false }
        return CSVText.formulaStarts.contains(first)
    }

    /// An exported cell: one `'` before a formula (and before `'`s that precede one), so a spreadsheet shows it as
    /// text; `unguarded` takes it off again on import, so the round trip is exact.
    public static func guarded(_ text: String) -> String {
        looksGuarded(Substring(text).unicodeScalars) ? "'" + text : text
    }

    public static func unguarded(_ text: String) -> String {
        let scalars = Substring(text).unicodeScalars
        return scalars.first == "'" && looksGuarded(scalars.dropFirst()) ? String(text.dropFirst()) : text
    }
}
