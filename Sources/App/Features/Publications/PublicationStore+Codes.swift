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
    static func registerCodes(_ batch: [ArchivePublication], now: Date,
                              on sql: any SQLDatabase) async throws -> (kept: [ArchivePublication],
                                  refused: [Refused]) {
        struct Row: Decodable { let owner: String; let code: String }
        let roots = batch.filter { $0.translationOf == nil }.map { "publication:\($0.id)" }
        var held: [String: [String]] = [:]
        if !roots.isEmpty {
            let rows = try await sql.select().column("owner").column("code").from("reference_codes")
                .where("source", .equal, "import").where("owner", .in, roots).all(decoding: Row.self)
            for row in rows { held[row.owner, default: []].append(row.code) }
        }
        var kept: [ArchivePublication] = [], refused: [Refused] = []
        for p in batch {
            let owner = "publication:\(p.translationOf ?? p.id)"
            let before = p.translationOf == nil ? held[owner] ?? [] : []
            if p.translationOf == nil, before == (p.reference.map { [$0] } ?? []) { kept.append(p); continue }
            if !before.isEmpty { try await ReferenceRegistry.release(importedOwners: [owner], on: sql) }
            guard let text = p.reference else { kept.append(p); continue }
            guard let code = ReferenceCode(text) else {
                refused.append(Refused(id: p.id,
                    reason: "\"\(text)\" is not a reference code like MEX 001 / 0916 / OBS 077"))
                continue
            }
            guard let holder = try await ReferenceRegistry.claim(code, owner: owner, source: "import", now: now,
                on: sql)
            else { kept.append(p); continue }
            refused.append(Refused(id: p.id, reason: "\"\(text)\" clashes with \(ReferenceRegistry.describe(holder)), "
                + "which keeps it: not imported (a code is never held by two appeals)"))
            for old in before.compactMap(ReferenceCode.init) {
                _ = try await ReferenceRegistry.claim(old, owner: owner, source: "import", now: now, on: sql)
            }
        }
        return (kept, refused)
    }
}
