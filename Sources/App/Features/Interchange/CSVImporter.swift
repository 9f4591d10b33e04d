import Fluent
import Foundation
import ObservatoryCore

/// Imports publications or organisations from a spreadsheet's CSV: the header names the interchange format's
/// fields (`id,type,language,published,title,…` or `id,name,type,country,…`), lists are separated by `|`.
/// Each bad row is named by its row and column and skipped; good rows are stored in batches, the last one
/// with the import's audit entry.
struct CSVImporter {
    typealias Summary = ArchiveImporter.Summary

    static let publicationColumns = [
        "id", "type", "kind", "language", "published", "title", "summary", "body",
        "countries",
        "programmes", "reference", "follow_up_of", "translation_of", "event_date"
    ]
    static let organisationColumns = [
        "id", "name", "type", "country", "working_languages", "networks", "founded",
        "website"
    ]
    static let listColumns: Set<String> = ["countries", "programmes", "working_languages", "networks"]

    /// A file that cannot be read as a whole (nothing of it is stored).
    struct Refused: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }

    var db: any Database
    var batchSize = 500
    var actor = "system"
    var detail = "(command line)"
    var parser = ArchiveLineParser()
    var report: @Sendable (String) -> Void = { _ in }
    var progress: @Sendable (Summary) -> Void = { _ in }
    var progressEvery = 10_000
    var now: @Sendable () -> Date = { Date() }

    func importFile(at path: String) async throws -> Summary {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ImportError.cannotOpen(path) }
        defer { try? handle.close() }
        var reader = CSVReader(read: { try handle.read(upToCount: 256 * 1024).map(Array.init) })
        return try await importRows(&reader, name: URL(fileURLWithPath: path).lastPathComponent)
    }

    func importRows(_ reader: inout CSVReader, name: String) async throws -> Summary {
        guard let header = try reader.next()?.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) else {
            throw Refused(reason: "the file is empty (a header row naming the columns comes first)")
        }
        let organisations = header.contains("name") && !header.contains("published")
        let known = organisations ? Self.organisationColumns : Self.publicationColumns
        for (index, column) in header.enumerated() where !known.contains(column) {
            throw Refused(
                reason: "row 1, column \(index + 1): unknown column \"\(column.prefix(40))\" (expected "
                    + known.joined(separator: ", ") + ")")
        }
        if Set(header).count != header.count { throw Refused(reason: "row 1: a column is named twice") }
        var summary = Summary()
        var publications: [ArchivePublication] = []
        var orgs: [ArchiveOrganisation] = []
        var rows: [String: Int] = [:]
        let referenceColumn = header.firstIndex(of: "reference").map { ", column \($0 + 1) (reference)" } ?? ""
        func flush() async throws {
            let (p, o) = (publications, orgs)
            publications = []; orgs = []
            let result = try await db.write { tx in try await Self.store(p, o, on: tx) }
            summary.stored += result.stored; summary.updated += result.updated; summary.held += result.held
            summary.rejected += result.refused.count
            for r in result.refused { report("row \(rows[r.id] ?? 0)\(referenceColumn): \(r.reason)") }
            rows = [:]
        }
        while true {
            let fields: [String]
            do {
                guard let next = try reader.next() else { break }
                fields = next
            } catch let failure as CSVReader.Failure {
                summary.read += 1; summary.rejected += 1
                report("\(failure)")
                // A quote never closed swallows the rest of the file: nothing after it can be read as rows.
                if case .unterminatedQuote = failure { break }
                continue
            }
            summary.read += 1
            let row = reader.row
            guard fields.count <= header.count else {
                summary.rejected += 1
                report("row \(row), column \(header.count + 1): \(fields.count) fields, the header has \(header.count)")
                continue
            }
            var record: [String: Any] = [:]
            for (index, cell) in fields.enumerated() {
                let column = header[index]
                // A line break inside a cell is stored as LF, whatever the spreadsheet wrote.
                // A cell our export guarded against formulas ("'=…") comes back as it was ("=…").
                let value = CSVReader.unguarded(cell.replacingOccurrences(of: "\r\n", with: "\n"))
                if Self.listColumns.contains(column) {
                    record[column] = value.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                        .filter { !$0.isEmpty }
                } else if column == "founded" {
                    let trimmed = value.trimmingCharacters(in: .whitespaces)
                    if !trimmed.isEmpty { record[column] = Int(trimmed) ?? trimmed as Any }
                } else if !value.isEmpty || column == "title" || column == "name" {
                    record[column] = value
                }
            }
            guard let json = try? JSONSerialization.data(withJSONObject: record) else { continue }
            switch parser.parse(Array(json), number: row) {
            case .rejected(let problems):
                summary.rejected += 1
                for problem in problems {
                    let column =
                        header.firstIndex(of: problem.field).map { ", column \($0 + 1) (\(problem.field))" }
                        ?? ""
                    report("row \(row)\(column): \(problem.reason)")
                }
            case .accepted(.publication(let p)):
                if organisations { summary.rejected += 1; report("row \(row): not an organisation"); continue }
                if publications.contains(where: { $0.id == p.id }) { try await flush() }
                rows[p.id] = row
                publications.append(p)
            case .accepted(.organisation(let o)):
                if orgs.contains(where: { $0.id == o.id }) { try await flush() }
                orgs.append(o)
            }
            if publications.count + orgs.count >= batchSize { try await flush() }
            if summary.read % progressEvery == 0 { progress(summary) }
        }
        let (p, o) = (publications, orgs)
        let at = now()
        let event: @Sendable (Summary) -> AuditEvent = { [actor, detail] (s: Summary) in
            AuditEvent(
                actor: actor, action: "archive.import.csv", recordType: "file", recordID: name,
                detail: "\(organisations ? "organisations" : "publications"): \(s) \(detail)")
        }
        return try await db.write { [summary, rows, report] tx in
            var done = summary
            let result = try await Self.store(p, o, on: tx)
            done.stored += result.stored; done.updated += result.updated; done.held += result.held
            done.rejected += result.refused.count
            for r in result.refused { report("row \(rows[r.id] ?? 0)\(referenceColumn): \(r.reason)") }
            if done.stored + done.updated > 0 { try await ContentVersion.bump(on: tx) }
            try await AuditLog.record(event(done), now: at, on: tx)
            return done
        }
    }

    private static func store(
        _ p: [ArchivePublication], _ o: [ArchiveOrganisation],
        on db: any Database
    ) async throws -> PublicationStore.BatchResult {
        let a = try await PublicationStore.upsert(p, imported: true, on: db)
        let b = try await PublicationStore.upsert(o, on: db)
        return PublicationStore.BatchResult(
            stored: a.stored + b.stored, updated: a.updated + b.updated,
            held: a.held, refused: a.refused)
    }
}
