import Foundation

/// Reads typed fields out of a decoded JSON object, collecting a problem per bad field.
struct FieldReader {
    let dict: [String: Any]
    let line: Int
    let limits: ArchiveLineParser.Limits
    var problems: [ArchiveProblem] = []

    init(dict: [String: Any], line: Int, limits: ArchiveLineParser.Limits) {
        self.dict = dict; self.line = line; self.limits = limits
    }

    mutating func problem(_ field: String, _ reason: String) {
        problems.append(ArchiveProblem(line: line, field: field, reason: reason))
    }

    func has(_ key: String) -> Bool { dict[key] != nil && !(dict[key] is NSNull) }

    static func typeName(_ value: Any) -> String {
        switch value {
        case is String: "a string"
        case is [Any]: "an array"
        case is [String: Any]: "an object"
        case let n as NSNumber where CFGetTypeIDIsBool(n): "a boolean"
        case is NSNumber: "a number"
        default: "null"
        }
    }

    mutating func text(_ key: String, required: Bool, max: Int, singleLine: Bool) -> String? {
        guard let value = dict[key], !(value is NSNull) else {
            if required { problem(key, "missing") }
            return nil
        }
        guard let string = value as? String else {
            problem(key, "expected a string, found \(Self.typeName(value))")
            return nil
        }
        let count = string.unicodeScalars.count
        if count > max {
            problem(key, "too long (\(count) characters, at most \(max))")
            return nil
        }
        if let bad = string.unicodeScalars.first(where: { Self.isForbidden($0, singleLine: singleLine) }) {
            let what =
                bad.value == 0
                ? "a NUL character" : "a control character (U+\(String(bad.value, radix: 16, uppercase: true)))"
            problem(key, "contains \(what)")
            return nil
        }
        return string
    }

    static func isForbidden(_ scalar: Unicode.Scalar, singleLine: Bool) -> Bool {
        let v = scalar.value
        if v == 0x0A || v == 0x09 || v == 0x0D { return singleLine && v != 0x09 }
        return v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || v == 0xFFFE || v == 0xFFFF
    }

    mutating func identifier(_ key: String, required: Bool) -> String? {
        guard let id = text(key, required: required, max: limits.idCharacters, singleLine: true) else { return nil }
        if id.isEmpty {
            if required { problem(key, "empty") }
            return nil
        }
        guard
            id.unicodeScalars.allSatisfy({
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.:".unicodeScalars.contains($0))
            })
        else {
            problem(key, "\"\(id.prefix(40))\" may hold only letters, digits and - _ . :")
            return nil
        }
        return id
    }

    mutating func enumeration<E: RawRepresentable & CaseIterable>(_ key: String, _: E.Type, required: Bool) -> E?
    where E.RawValue == String {
        guard let raw = text(key, required: required, max: 100, singleLine: true) else { return nil }
        if raw.isEmpty && !required { return nil }
        guard let value = E(rawValue: raw) else {
            let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
            problem(key, "unknown value \"\(raw.prefix(40))\" (expected one of: \(allowed))")
            return nil
        }
        return value
    }

    mutating func date(_ key: String, required: Bool) -> CivilDate? {
        guard let raw = text(key, required: required, max: 40, singleLine: true) else { return nil }
        if raw.isEmpty && !required { return nil }
        guard let date = CivilDate(raw) else {
            problem(key, "\"\(raw)\" is not a real date in the form YYYY-MM-DD")
            return nil
        }
        guard (1900...2100).contains(date.year) else {
            problem(key, "\(raw) is outside the years 1900–2100")
            return nil
        }
        return date
    }

    mutating func strings(_ key: String) -> [String] {
        guard let value = dict[key], !(value is NSNull) else { return [] }
        guard let array = value as? [Any] else {
            problem(key, "expected an array of strings, found \(Self.typeName(value))")
            return []
        }
        guard array.count <= limits.listItems else {
            problem(key, "too many entries (\(array.count), at most \(limits.listItems))")
            return []
        }
        var out: [String] = []
        for (i, item) in array.enumerated() {
            guard let s = item as? String, !s.isEmpty, s.count <= 200,
                !s.unicodeScalars.contains(where: { Self.isForbidden($0, singleLine: true) })
            else {
                problem(key, "entry \(i + 1) is not a short, non-empty string of text")
                continue
            }
            out.append(s)
        }
        return out
    }

    mutating func integer(_ key: String, in range: ClosedRange<Int>) -> Int? {
        guard let value = dict[key], !(value is NSNull) else { return nil }
        guard let number = value as? NSNumber, !CFGetTypeIDIsBool(number),
            let int = Int(exactly: number.doubleValue)
        else {
            problem(key, "expected a whole number, found \(Self.typeName(value))")
            return nil
        }
        guard range.contains(int) else {
            problem(key, "\(int) is outside \(range.lowerBound)–\(range.upperBound)")
            return nil
        }
        return int
    }
}

/// Whether a JSONSerialization number is really a JSON `true`/`false`.
func CFGetTypeIDIsBool(_ number: NSNumber) -> Bool {
    String(cString: number.objCType) == "c" || type(of: number) == type(of: NSNumber(value: true))
}
