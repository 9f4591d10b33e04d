import Fluent
import Foundation
import ObservatoryCore
import SQLKit

extension PublicationStore {
    /// A line an import did not store, and why (its code is held by another appeal).
    struct Refused: Sendable, Equatable { let id: String; let reason: String }

    /// Registers the reference codes an import brings (`ReferenceRegistry`), in the batch's transaction. A code held by
    /// another appeal, allocated in the office or imported under another id, refuses its line: it is not stored, so
    /// the code is never held twice and the publication already holding it is untouched. A translation shares its
    /// original's code. A re-imported original may change its code; refused, it keeps the one it had.
    static func registerCodes(
        _ batch: [ArchivePublication], now: Date,
        on sql: any SQLDatabase
    ) async throws -> (
        kept: [ArchivePublication],
        refused: [Refused]
    ) {
        struct Row: Decodable { let owner: String; let code: String }
        let roots = batch.filter { $0.translationOf == nil }.map { "publication:\($0.id)" }
        var held: [String: [String]] = [:]
        if !roots.isEmpty {
            let rows = try await sql.select().column("owner").column("code").from("reference_codes")
                .where("source", .equal, "import").where("owner", .in, roots).all(decoding: Row.self)
            for row in rows { held[row.owner, default: []].append(row.code) }
        }
        // Each line's outcome, in the batch's order: kept (nil) or refused. Lines that held no code before claim
        // theirs together (`claimAll`, as if one after the other); a line changing its code is handled alone.
        var outcomes: [Refused?] = Array(repeating: nil, count: batch.count)
        var pending: [(index: Int, code: ReferenceCode, owner: String)] = []
        func clash(_ text: String, _ holder: ReferenceRegistry.Holder) -> String {
            "\"\(text)\" clashes with \(ReferenceRegistry.describe(holder)), "
                + "which keeps it: not imported (a code is never held by two appeals)"
        }
        func claimPending() async throws {
            let holders = try await ReferenceRegistry.claimAll(
                pending.map { ($0.code, $0.owner) }, source: "import",
                now: now, on: sql)
            for (claim, holder) in zip(pending, holders) {
                if let holder, let text = batch[claim.index].reference {
                    outcomes[claim.index] = Refused(id: batch[claim.index].id, reason: clash(text, holder))
                }
            }
            pending = []
        }
        for (index, p) in batch.enumerated() {
            let owner = "publication:\(p.translationOf ?? p.id)"
            let before = p.translationOf == nil ? held[owner] ?? [] : []
            if p.translationOf == nil, before == (p.reference.map { [$0] } ?? []) { continue }
            if !before.isEmpty {
                try await claimPending()
                try await ReferenceRegistry.release(importedOwners: [owner], on: sql)
            }
            guard let text = p.reference else { continue }
            guard let code = ReferenceCode(text) else {
                outcomes[index] = Refused(
                    id: p.id,
                    reason: "\"\(text)\" is not a reference code like MEX 001 / 0916 / OBS 077")
                continue
            }
            if before.isEmpty { pending.append((index, code, owner)); continue }
            guard
                let holder = try await ReferenceRegistry.claim(
                    code, owner: owner, source: "import", now: now,
                    on: sql)
            else { continue }
            outcomes[index] = Refused(id: p.id, reason: clash(text, holder))
            for old in before.compactMap(ReferenceCode.init) {
                _ = try await ReferenceRegistry.claim(old, owner: owner, source: "import", now: now, on: sql)
            }
        }
        try await claimPending()
        let kept = zip(batch, outcomes).filter { $0.1 == nil }.map(\.0)
        let refused = outcomes.compactMap { $0 }
        return (kept, refused)
    }
}
