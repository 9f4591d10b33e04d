import Foundation
import Testing

/// Reads the app's source: every audit entry of a write is appended inside a `write { tx in … }` closure, on that
/// closure's transaction (or in a helper that takes the caller's `tx`), so a write cannot commit apart from its
/// entry. Only entries that are themselves the whole write (a view, an export, a sign-in failure) stand alone,
/// each named below with its reason. Inside a write closure, nothing reaches for `req.db` or `app.db`.
@Suite struct AuditSourceTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/App")

    /// Entries that are the only thing their request writes: recorded alone, on purpose.
    static let standalone: [String: String] = [
        "case.view": "reading a case", "case.attachment.view": "downloading an attachment",
        "mission.view": "reading a mission", "assistance.view": "reading a request for assistance",
        "intervention.view": "reading an intervention", "organisation.view": "reading an organisation's contacts",
        "user.view": "reading an account", "verification.view": "a partner reading a request",
        "publication.view": "reading a draft", "call.answers.view": "reading answers",
        "call.answers.export": "exporting answers", "backup.take": "the copy is a file, not a row",
        "backup.restore": "the restore is checked before its entry",
        "archive.import": "the summary of a run whose "
            + "batches are each audited in their own transaction (archive.import.batch)",
        "event@LoginThrottle.swift": "a failed sign-in: the attempt was counted in its own write before the check"
    ]

    struct Finding: CustomStringConvertible {
        let file: String, line: Int, what: String
        var description: String { "\(file):\(line): \(what)" }
    }

    @Test func everyAuditedWriteAppendsItsEntryInsideItsOwnTransaction() throws {
        let files = try FileManager.default.subpathsOfDirectory(atPath: Self.sources.path)
            .filter { $0.hasSuffix(".swift") }
        #expect(files.count > 50, "the app's sources are found (\(files.count))")
        var findings: [Finding] = [], seen: Set<String> = [], calls = 0
        for file in files {
            let text = try String(contentsOf: Self.sources.appendingPathComponent(file), encoding: .utf8)
            let result = Self.scan(text, file: (file as NSString).lastPathComponent)
            findings += result.findings
            seen.formUnion(result.standalone)
            calls += result.calls
        }
        #expect(calls > 60, "the audit calls are found (\(calls))")
        let listed = findings.map(\.description).joined(separator: "\n")
        #expect(findings.isEmpty, "\(findings.count) audit entries apart from their write:\n\(listed)")
        // The list of stand-alone entries does not rot: each is still in the code.
        for key in Self.standalone.keys { #expect(seen.contains(key), "stand-alone \(key) is no longer in the code") }
    }

    /// The scanner itself: the shape that broke atomicity is found, the fixed one is not.
    @Test func theScannerFindsAnEntryApartFromItsWrite() {
        let apart = """
            func save(req: Request) async throws {
                try await Store.save(id, on: req.db)
                try await AuditLog.record(AuditEvent(actor: a, action: "thing.save", recordID: "{"), now: now,
                    on: req.db)
            }
            """
        #expect(Self.scan(apart, file: "X.swift").findings.count == 1)
        let fixed = """
            func save(req: Request) async throws {
                try await req.db.write { tx in
                    try await Store.save(id, on: tx)
                    try await AuditLog.record(AuditEvent(actor: a, action: "thing.save \\(x ? "}" : "")"), now: now,
                        on: tx)
                }
            }
            """
        #expect(Self.scan(fixed, file: "X.swift").findings.isEmpty)
        let wrongTransaction = """
            try await req.db.write { tx in
                try await Store.save(id, on: tx)
                try await AuditLog.record(AuditEvent(actor: a, action: "thing.save"), now: now, on: req.db)
            }
            """
        #expect(
            Self.scan(wrongTransaction, file: "X.swift").findings.count == 2,
            "req.db inside the write, twice wrong")
        let helper = """
            static func audit(_ r: R, on tx: any Database) async throws {
                try await AuditLog.record(AuditEvent(actor: a, action: "thing.\\(step)"), now: now, on: tx)
            }
            """
        #expect(Self.scan(helper, file: "X.swift").findings.isEmpty, "a helper given the caller's transaction")
    }

    /// The source with every comment and string literal (interpolations included) blanked, same length.
    static func code(_ text: String) -> [UInt8] {
        var b = Array(text.utf8), i = 0
        func blank(_ from: Int, _ to: Int) { for k in from..<min(to, b.count) where b[k] != 10 { b[k] = 32 } }
        /// Skips a string literal starting at `i` (at its opening quote); returns the index after it.
        func skipString(_ start: Int) -> Int {
            let multi = start + 2 < b.count && b[start + 1] == 34 && b[start + 2] == 34
            var j = start + (multi ? 3 : 1)
            while j < b.count {
                if b[j] == 92 {  // backslash
                    if j + 1 < b.count && b[j + 1] == 40 { j = skipCode(j + 2, closing: 41); continue }
                    j += 2; continue
                }
                if multi {
                    if j + 2 < b.count && b[j] == 34 && b[j + 1] == 34 && b[j + 2] == 34 { return j + 3 }
                } else if b[j] == 34 || b[j] == 10 {
                    return j + 1
                }
                j += 1
            }
            return j
        }
        /// Skips code up to the matching `closing` byte (an interpolation); returns the index after it.
        func skipCode(_ start: Int, closing: UInt8) -> Int {
            var j = start, depth = 0
            while j < b.count {
                if b[j] == 34 { j = skipString(j); continue }
                if b[j] == 40 { depth += 1 } else if b[j] == 41 { if depth == 0 { return j + 1 }; depth -= 1 }
                j += 1
            }
            return j
        }
        while i < b.count {
            if b[i] == 47 && i + 1 < b.count && b[i + 1] == 47 {
                var j = i; while j < b.count && b[j] != 10 { j += 1 }
                blank(i, j); i = j
            } else if b[i] == 47 && i + 1 < b.count && b[i + 1] == 42 {
                var j = i + 2; while j + 1 < b.count && !(b[j] == 42 && b[j + 1] == 47) { j += 1 }
                blank(i, j + 2); i = j + 2
            } else if b[i] == 34 {
                let end = skipString(i)
                blank(i + 1, end - 1); i = end
            } else {
                i += 1
            }
        }
        return b
    }

    struct Scan { var findings: [Finding] = [], standalone: Set<String> = [], calls = 0 }

    static func scan(_ text: String, file: String) -> Scan {
        let original = Array(text.utf8), masked = code(text)
        let maskedText = String(decoding: masked, as: UTF8.self)
        func line(_ offset: Int) -> Int { original[..<offset].filter { $0 == 10 }.count + 1 }
        func slice(_ r: Range<Int>) -> String { String(decoding: original[r], as: UTF8.self) }
        // Braces: which are write closures, and their transaction's name.
        struct Open { let at: Int, transaction: String? }
        var stack: [Open] = [], result = Scan()
        let writeBefore = try! NSRegularExpression(pattern: "\\.(write|officeWrite)\\s*(\\([^()]*\\))?\\s*$")
        let parameter = try! NSRegularExpression(pattern: "^\\s*(\\[[^\\]]*\\]\\s*)?([A-Za-z_][A-Za-z0-9_]*)\\s+in\\b")
        let onArgument = try! NSRegularExpression(pattern: "on:\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*\\)$")
        let actionLiteral = try! NSRegularExpression(pattern: "action:[^\"]*\"([^\"]*)\"")
        let call = try! NSRegularExpression(pattern: "AuditLog\\.(record|append)\\(")
        let database = try! NSRegularExpression(pattern: "\\b(req|app|request|context\\.application)\\.db\\b")
        func matches(_ re: NSRegularExpression, _ s: String) -> [NSTextCheckingResult] {
            re.matches(in: s, range: NSRange(s.startIndex..., in: s))
        }
        func group(_ m: NSTextCheckingResult, _ n: Int, _ s: String) -> String? {
            Range(m.range(at: n), in: s).map { String(s[$0]) }
        }
        var i = 0
        let callStarts = Set(
            matches(call, maskedText).map {
                maskedText.utf8.distance(
                    from: maskedText.utf8.startIndex,
                    to: Range($0.range, in: maskedText)!.lowerBound.samePosition(in: maskedText.utf8)!)
            })
        while i < masked.count {
            let byte = masked[i]
            if byte == 123 {  // {
                let before = String(decoding: masked[max(0, i - 200)..<i], as: UTF8.self)
                var transaction: String? = nil
                if !matches(writeBefore, before).isEmpty {
                    let after = String(decoding: masked[(i + 1)..<min(masked.count, i + 120)], as: UTF8.self)
                    transaction = matches(parameter, after).first.flatMap { group($0, 2, after) } ?? "$0"
                }
                stack.append(Open(at: i, transaction: transaction))
            } else if byte == 125 {  // }
                if let open = stack.popLast(), open.transaction != nil {
                    let body = String(decoding: masked[open.at..<i], as: UTF8.self)
                    for m in matches(database, body) {
                        let offset =
                            open.at
                            + body.utf8.distance(
                                from: body.utf8.startIndex,
                                to: Range(m.range, in: body)!.lowerBound.samePosition(in: body.utf8)!)
                        result.findings.append(
                            Finding(
                                file: file, line: line(offset),
                                what: "\(group(m, 0, body) ?? "") inside a write closure"))
                    }
                }
            } else if callStarts.contains(i) {
                result.calls += 1
                // The whole call, up to its matching parenthesis.
                var j = i, depth = 0
                while j < masked.count {
                    if masked[j] == 40 { depth += 1 } else if masked[j] == 41 { depth -= 1; if depth == 0 { break } }
                    j += 1
                }
                let callCode = String(decoding: masked[i...min(j, masked.count - 1)], as: UTF8.self)
                let callText = slice(i..<min(j + 1, original.count))
                let on = matches(onArgument, callCode).first.flatMap { group($0, 1, callCode) } ?? "?"
                let action =
                    matches(actionLiteral, callText).first.flatMap { group($0, 1, callText) }
                    ?? (callText.dropFirst("AuditLog.record(".count).prefix { $0.isLetter || $0.isNumber }
                        + "@" + file)
                let inside = stack.last(where: { $0.transaction != nil })?.transaction
                let functionStart = maskedText.utf8.index(maskedText.utf8.startIndex, offsetBy: i)
                let lastFunc =
                    maskedText[..<functionStart].range(of: "func ", options: .backwards)
                    .map { String(maskedText[$0.lowerBound...].prefix(400)) } ?? ""
                let helper = lastFunc.prefix(while: { $0 != "{" }).contains("\(on): any Database")
                if let inside, inside == on {
                    // in its write, on the write's transaction
                } else if inside == nil && helper && on == "tx" {
                    // a helper given the caller's transaction
                } else if inside == nil, Self.standalone[action] != nil {
                    result.standalone.insert(action)
                } else {
                    result.findings.append(
                        Finding(
                            file: file, line: line(i),
                            what: "\(action) recorded on \(on)"
                                + (inside.map { " inside a write on \($0)" } ?? " outside any write")))
                }
                i = j
                continue
            }
            i += 1
        }
        return result
    }
}
