import Fluent
import Foundation
import ObservatoryCore

/// Imports an archive in the interchange format: streams the file, validates each line, stores good
/// lines in batches (one transaction each) and reports every bad line without stopping.
struct ArchiveImporter {
    struct Summary: Sendable, Equatable, CustomStringConvertible {
        var read = 0, stored = 0, updated = 0, rejected = 0
        /// Lines naming a publication the office holds (not public, under four eyes, or an intervention's): left as
        /// they are, so a file never publishes, republishes or replaces what the office decides.
        var held = 0
        var description: String {
            "read \(read), stored \(stored), updated \(updated), rejected \(rejected)"
                + (held == 0 ? "" : ", held by the office (left unchanged) \(held)")
        }
    }

    var db: any Database
    var parser = ArchiveLineParser()
    var batchSize = 500
    /// Called with every problem (`line N: field: reason`).
    var report: @Sendable (ArchiveProblem) -> Void = { _ in }
    /// Called every `progressEvery` lines with the running summary.
    var progress: @Sendable (Summary) -> Void = { _ in }
    var progressEvery = 10_000
    /// The audit entry of one batch (its stored and updated counts), written in the batch's own transaction.
    var audit: (@Sendable (_ stored: Int, _ updated: Int) -> AuditEvent)? = nil

    func importFile(at path: String) async throws -> Summary {
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard bytes >= SearchIndex.bulkLoadBytes else { return try await importLines(at: path) }
        return try await SearchIndex.bulkLoad(on: db) { try await importLines(at: path) }
    }

    private func importLines(at path: String) async throws -> Summary {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ImportError.cannotOpen(path)
        }
        defer { try? handle.close() }
        var lines = LineReader(handle: handle)
        var state = BatchState()
        var summary = Summary()
        var number = 0
        while let next = try lines.next() {
            number += 1
            guard case .text(let line) = next else {
                if case .oversized(let bytes) = next {
                    summary.read += 1
                    summary.rejected += 1
                    report(ArchiveProblem(line: number, field: "line", reason: "too long (\(bytes) bytes)"))
                }
                continue
            }
            if Self.isBlank(line) { continue }
            summary.read += 1
            switch parser.parse(line, number: number) {
            case .rejected(let problems):
                summary.rejected += 1
                problems.forEach(report)
            case .accepted(.publication(let p)):
                if state.publicationIDs.contains(p.id) { try await flush(&state, into: &summary) }
                state.publications.append(p)
                state.publicationIDs.insert(p.id)
                state.lines[p.id] = number
            case .accepted(.organisation(let o)):
                if state.organisationIDs.contains(o.id) { try await flush(&state, into: &summary) }
                state.organisations.append(o)
                state.organisationIDs.insert(o.id)
            }
            if state.count >= batchSize { try await flush(&state, into: &summary) }
            if summary.read % progressEvery == 0 { progress(summary) }
        }
        try await flush(&state, into: &summary)
        if summary.stored + summary.updated > 0 { try await ContentVersion.bump(on: db) }
        return summary
    }

    static func isBlank(_ line: ArraySlice<UInt8>) -> Bool {
        for byte in line where byte != 0x20 && byte != 0x09 && byte != 0x0D { return false }
        return true
    }

    /// Stores records already in memory (the demo archive), in the same batches.
    func importRecords(
        _ publications: [ArchivePublication], _ organisations: [ArchiveOrganisation]
    ) async throws -> Summary {
        var summary = Summary(read: publications.count + organisations.count)
        for chunk in stride(from: 0, to: publications.count, by: batchSize) {
            let slice = Array(publications[chunk..<min(chunk + batchSize, publications.count)])
            let result = try await PublicationStore.upsert(
                slice,
                imported: true, on: db)
            summary.stored += result.stored; summary.updated += result.updated; summary.held += result.held
            summary.rejected += result.refused.count
        }
        for chunk in stride(from: 0, to: organisations.count, by: batchSize) {
            let result = try await PublicationStore.upsert(
                Array(organisations[chunk..<min(chunk + batchSize, organisations.count)]), on: db)
            summary.stored += result.stored; summary.updated += result.updated
        }
        try await ContentVersion.bump(on: db)
        return summary
    }

    private struct BatchState {
        var publications: [ArchivePublication] = []
        var publicationIDs: Set<String> = []
        var organisations: [ArchiveOrganisation] = []
        var organisationIDs: Set<String> = []
        /// The line each publication came from, to name a line the store refused.
        var lines: [String: Int] = [:]
        var count: Int { publications.count + organisations.count }
    }

    private func flush(_ state: inout BatchState, into summary: inout Summary) async throws {
        let (publications, organisations, audit) = (state.publications, state.organisations, self.audit)
        let (pubs, orgs) = try await db.write { tx in
            let pubs = try await PublicationStore.upsert(publications, imported: true, on: tx)
            let orgs = try await PublicationStore.upsert(organisations, on: tx)
            if let audit, pubs.stored + orgs.stored + pubs.updated + orgs.updated > 0 {
                try await AuditLog.record(
                    audit(pubs.stored + orgs.stored, pubs.updated + orgs.updated), now: Date(),
                    on: tx)
            }
            return (pubs, orgs)
        }
        summary.stored += pubs.stored + orgs.stored
        summary.updated += pubs.updated + orgs.updated
        summary.held += pubs.held
        summary.rejected += pubs.refused.count
        for refused in pubs.refused {
            report(ArchiveProblem(line: state.lines[refused.id] ?? 0, field: "reference", reason: refused.reason))
        }
        state = BatchState()
    }
}

enum ImportError: Error, CustomStringConvertible {
    case cannotOpen(String)
    var description: String {
        switch self {
        case .cannotOpen(let path): "cannot open \(path): no such file or not readable"
        }
    }
}
