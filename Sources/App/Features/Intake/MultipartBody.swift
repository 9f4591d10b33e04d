import Foundation

/// The parts of a `multipart/form-data` body: each part's headers (names in lower case) and bytes.
enum MultipartBody {
    struct Part: Equatable { var headers: [String: String]; var body: [UInt8] }

    static let maxParts = 64
    static let crlf: [UInt8] = [13, 10]

    /// Nil when the body does not follow the format (no opening boundary, a part without its closing one,
    /// too many parts): the form is then read as empty and refused by its checks.
    static func parts(_ bytes: [UInt8], boundary: String) -> [Part]? {
        guard !boundary.isEmpty, boundary.utf8.count <= 200 else { return nil }
        let dashBoundary = Array("--\(boundary)".utf8)
        let delimiter = crlf + dashBoundary
        // The first boundary opens the body, or follows a preamble ending with CRLF.
        var position: Int
        if starts(bytes, with: dashBoundary, at: 0) {
            position = dashBoundary.count
        } else if let found = find(delimiter, in: bytes, from: 0) {
            position = found + delimiter.count
        } else {
            return nil
        }
        var parts: [Part] = []
        while true {
            if starts(bytes, with: [45, 45], at: position) { return parts }  // "--": the closing boundary
            // transport padding
            while position < bytes.count, bytes[position] == 32 || bytes[position] == 9 { position += 1 }
            guard starts(bytes, with: crlf, at: position), parts.count < maxParts else { return nil }
            position += 2
            let headerEnd: Int
            if starts(bytes, with: crlf, at: position) {
                headerEnd = position
            }  // a part without headers
            else if let end = find(crlf + crlf, in: bytes, from: position) {
                headerEnd = end + 2
            } else {
                return nil
            }
            let contentStart = headerEnd + 2
            guard let contentEnd = find(delimiter, in: bytes, from: contentStart) else { return nil }
            parts.append(
                Part(headers: headers(bytes[position..<headerEnd]), body: Array(bytes[contentStart..<contentEnd])))
            position = contentEnd + delimiter.count
        }
    }

    /// `Name: value` lines; a line without a colon is ignored.
    static func headers(_ block: ArraySlice<UInt8>) -> [String: String] {
        var result: [String: String] = [:]
        for line in String(decoding: block, as: UTF8.self).split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            result[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return result
    }

    static func starts(_ bytes: [UInt8], with prefix: [UInt8], at index: Int) -> Bool {
        guard index >= 0, index + prefix.count <= bytes.count else { return false }
        for offset in 0..<prefix.count where bytes[index + offset] != prefix[offset] { return false }
        return true
    }

    /// The index of the first occurrence of `needle` at or after `from`.
    static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, from >= 0, bytes.count >= needle.count else { return nil }
        let first = needle[0]
        var index = from
        let last = bytes.count - needle.count
        while index <= last {
            if bytes[index] == first && starts(bytes, with: needle, at: index) { return index }
            index += 1
        }
        return nil
    }
}
