import Fluent
import ObservatoryCore
import SQLKit

/// The dashboard's list of reports that came from a busy source (past `OBSERVATORY_INTAKE_BULK_AFTER` an hour):
/// stored rather than refused, so a flood cannot close the form, and kept apart here for triage.
struct BulkTriage: Sendable {
    struct Item: Sendable { let caseID: String, label: Confidential, flaggedAt: Int64 }
    var total = 0
    var items: [Item] = []

    static let shown = 50

    static func load(cipher: FieldCipher, on db: any Database) async throws -> BulkTriage {
        let (total, ids) = try await IntakeBulk.waiting(limit: shown, on: db)
        var items: [Item] = []
        struct Row: Decodable { let label_sealed: String }
        for (id, at) in ids {
            let query = db.sql.raw("SELECT label_sealed FROM cases WHERE id = \(bind: id)")
            guard let row = try await query.first(decoding: Row.self) else { continue }
            let label = try cipher.open(row.label_sealed, in: .caseLabel, row: id)
            items.append(Item(caseID: id, label: label, flaggedAt: at))
        }
        return BulkTriage(total: total, items: items)
    }

    static func section(_ bulk: BulkTriage, day: (Int64) -> String) -> HTML {
        guard bulk.total > 0 else { return .empty }
        let items: [HTML] = bulk.items.map { item in
            let link = OfficeRoute.caseFile(id: item.caseID).path
            return "<li><a href=\"\(link)\">\(item.label.reveal())</a>: \(day(item.flaggedAt))</li>"
        }
        return """
            <section aria-labelledby="bulk"><h2 id="bulk">Bulk triage: reports from a busy source</h2>
            <p id="bulk-count">\(t("count.received", count: bulk.total)) \
            while one source sent more than the hourly threshold; \
            genuine reports may be among them (many people share a Tor exit or the onion service).</p>
            <ul id="bulk-cases">\(items.joined())</ul></section>
            """
    }
}
