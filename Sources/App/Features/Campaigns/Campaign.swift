import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// A campaign ("#HumansAgainstTorture", a sponsorship project, a series of portraits).
struct Campaign: Sendable, Decodable {
    let id: String, title: String, text: String, imageType: String?, publicationIds: String, caseIds: String,
        published: Bool
    /// The public image has had its metadata removed (issue 20); an image stored before that is not served.
    let imageClean: Bool
    var publicationList: [String] { publicationIds.split(separator: ",").map(String.init) }
    var caseList: [String] { caseIds.split(separator: ",").map(String.init) }
}

enum CampaignStore {
    static let columns = "id, title, text, image_type, publication_ids, case_ids, published, image_clean"

    static func all(on db: any Database) async throws -> [Campaign] {
        try await db.rows("SELECT \(unsafeRaw: columns) FROM campaigns ORDER BY updated_at DESC, id", as: Campaign.self)
    }

    static func find(_ id: String, on db: any Database) async throws -> Campaign? {
        try await db.row("SELECT \(unsafeRaw: columns) FROM campaigns WHERE id = \(bind: id)", as: Campaign.self)
    }

    static func image(_ id: String, on db: any Database) async throws -> (Data, String)? {
        struct Row: Decodable { let image: Data?, imageType: String? }
        guard
            let row = try await db.row(
                """
                SELECT image, image_type FROM campaigns WHERE id = \(bind: id) AND published = \(bind: true)
                  AND image_clean = \(bind: true)
                """, as: Row.self
            ), let data = row.image,
            let type = row.imageType
        else { return nil }
        return (data, type)
    }

    static func save(
        id: String, title: String, text: String, publications: [String], cases: [String], published: Bool,
        image: Upload?,
        by actor: String, now: Date, on db: any Database
    ) async throws {
        try await db.sql.insert(into: "campaigns")
            .columns("id", "title", "text", "publication_ids", "case_ids", "published", "updated_by", "updated_at")
            .values(
                id, title, text, publications.joined(separator: ","), cases.joined(separator: ","), published, actor,
                now.seconds
            )
            .onConflict(with: ["id"]) {
                $0.set(excludedValueOf: "title").set(excludedValueOf: "text").set(excludedValueOf: "publication_ids")
                    .set(excludedValueOf: "case_ids").set(excludedValueOf: "published").set(
                        excludedValueOf: "updated_by"
                    ).set(excludedValueOf: "updated_at")
            }
            .run()
        if let image {
            // Never served as it is (`image_clean` false): a public image goes through `setImage` without metadata.
            try await db.sql.update("campaigns").set("image", to: Data(image.data))
                .set("image_type", to: image.contentType).set("image_clean", to: false).where("id", .equal, id).run()
        }
        try await ContentVersion.bump(on: db, now: now)
    }

    /// Keeps the image as the editor sent it (sealed, with its SHA-256) and puts the copy without metadata on the
    /// campaign; `db` is the caller's write transaction.
    static func setImage(
        _ id: String, original: Upload, cleaned: [UInt8], cipher: FieldCipher,
        on db: any Database
    ) async throws {
        try await db.sql.update("campaigns").set("image", to: Data(cleaned)).set("image_type", to: original.contentType)
            .set("image_original", to: cipher.seal(bytes: original.data, in: .campaignImageOriginal, row: id))
            .set("image_sha256", to: Evidence.sha256(original.data)).set("image_clean", to: true)
            .where("id", .equal, id).run()
    }

    /// What the campaign gathers, public parts only: its publications and the published interventions of its cases.
    static func gathered(_ c: Campaign, on db: any Database) async throws -> [PublicationSummary] {
        try await gathered(publications: c.publicationList, cases: c.caseList, on: db)
    }

    /// Published publications among `publications`, and the published interventions (originals, in their public
    /// version) of `cases`: a portrait's list is built the same way.
    static func gathered(
        publications: [String], cases: [String],
        on db: any Database
    ) async throws -> [PublicationSummary] {
        struct Row: Decodable { let publicationId: String }
        var ids = publications
        let caseList = cases
        if !caseList.isEmpty {
            ids += try await db.rows(
                """
                SELECT publication_id FROM interventions WHERE status = 'published' AND publication_id IS NOT NULL
                  AND translation_of IS NULL AND case_id IN (\(binds: caseList))
                """, as: Row.self
            ).map(\.publicationId)
        }
        guard !ids.isEmpty else { return [] }
        return try await db.sql.raw(
            """
            SELECT \(unsafeRaw: PublicationSummary.columns) FROM publications p WHERE p.status = 'published' AND p.id \
            IN (\(binds: Array(Set(ids))))
            ORDER BY p.published_on DESC, p.id
            """
        ).all().map(PublicationSummary.init(row:))
    }
}
