import Foundation

/// An e-mail as Observatory sends it: plain text and HTML alternatives, UTF-8, with the list headers
/// (RFC 2369 `List-Unsubscribe`, RFC 8058 one-click) when it goes to a subscriber.
public struct MailMessage: Sendable, Equatable {
    public var from: String
    public var fromName: String
    public var to: String
    public var subject: String
    public var text: String
    public var html: String?
    public var unsubscribeURL: String?
    public var messageID: String
    public var date: Date
    public var language: String

    public init(
        from: String, fromName: String, to: String, subject: String, text: String, html: String? = nil,
        unsubscribeURL: String? = nil, messageID: String, date: Date, language: String = "en"
    ) {
        self.from = from; self.fromName = fromName; self.to = to; self.subject = subject; self.text = text;
        self.html = html
        self.unsubscribeURL = unsubscribeURL; self.messageID = messageID; self.date = date; self.language = language
    }

    /// The message as sent after SMTP's DATA: CRLF line ends, base64 bodies in 76-column lines, no line starting
    /// with a lone "." left unstuffed.
    public func rendered(boundary: String) -> String {
        var headers = [
            "From: \(MIME.encodeWord(fromName)) <\(from)>",
            "To: <\(to)>",
            "Subject: \(MIME.encodeWord(subject))",
            "Date: \(MIME.rfc5322Date(date))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
            "Content-Language: \(language)",
            "Auto-Submitted: auto-generated"
        ]
        if let url = unsubscribeURL {
            headers.append("List-Unsubscribe: <\(url)>")
            headers.append("List-Unsubscribe-Post: List-Unsubscribe=One-Click")
        }
        var lines: [String]
        if let html {
            headers.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
            lines =
                headers + ["", "--\(boundary)"] + MIME.part("text/plain", text) + ["--\(boundary)"]
                + MIME.part("text/html", html) + ["--\(boundary)--"]
        } else {
            lines =
                headers + ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64", ""]
                + MIME.base64Lines(text)
        }
        return lines.map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n") + "\r\n"
    }
}

/// The bits of MIME Observatory needs.
public enum MIME {
    /// RFC 2047 encoded-word for a header holding non-ASCII text (or characters that would break the header).
    public static func encodeWord(_ text: String) -> String {
        let plain = text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F } && !text.contains("=?")
        if plain { return text }
        // Chunks of at most 45 bytes (60 base64 characters) without splitting a character.
        var words: [String] = [], chunk: [UInt8] = []
        for character in text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ") {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45 { words.append(Data(chunk).base64EncodedString()); chunk = [] }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append(Data(chunk).base64EncodedString()) }
        return words.map { "=?UTF-8?B?\($0)?=" }.joined(separator: "\r\n ")
    }

    static func part(_ type: String, _ body: String) -> [String] {
        ["Content-Type: \(type); charset=utf-8", "Content-Transfer-Encoding: base64", ""] + base64Lines(body)
    }

    public static func base64Lines(_ text: String) -> [String] {
        let encoded = Data(text.utf8).base64EncodedString()
        return stride(from: 0, to: encoded.count, by: 76).map { start in
            let from = encoded.index(encoded.startIndex, offsetBy: start)
            return String(
                encoded[from..<(encoded.index(from, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex)])
        }
    }

    public static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }

    /// Whether an address is safe to put in an SMTP command and a header (no spaces, brackets, line breaks).
    public static func isSafeAddress(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && address.utf8.count <= 254
            && address.unicodeScalars.allSatisfy {
                $0.value > 0x20 && $0.value < 0x7F && !"<>()[]\\,;:\"".unicodeScalars.contains($0)
            }
    }
}

/// A reply of an SMTP server: the code and its text lines (`250-…` continued until `250 …`).
public struct SMTPReply: Sendable, Equatable {
    public let code: Int
    public let lines: [String]

    public var isPositive: Bool { (200..<400).contains(code) }
    public var isTemporary: Bool { (400..<500).contains(code) }
    public var text: String { lines.joined(separator: " ") }

    /// Adds one line; returns the whole reply when it was the last one, nil while more lines follow.
    public struct Reader: Sendable {
        var lines: [String] = []
        public init() {}
        public mutating func feed(_ line: String) throws -> SMTPReply? {
            let bytes = Array(line.utf8)
            guard bytes.count >= 3, let code = Int(String(decoding: bytes[0..<3], as: UTF8.self)),
                (200..<600).contains(code)
            else {
                throw Malformed(line: String(line.prefix(100)))
            }
            lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
            if bytes.count == 3 || bytes[3] == UInt8(ascii: " ") {
                defer { lines = [] }
                return SMTPReply(code: code, lines: lines)
            }
            guard bytes[3] == UInt8(ascii: "-") else { throw Malformed(line: String(line.prefix(100))) }
            return nil
        }
    }

    public struct Malformed: Error, CustomStringConvertible {
        public let line: String
        public var description: String { "The mail server sent a line that is not an SMTP reply: \(line)" }
    }
}
