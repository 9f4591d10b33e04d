import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// Evidence that stays evidence (issue 20): each case attachment gets its SHA-256 (sealed) and, for a copy, the
/// original it was made from; existing files are hashed here. `attachment_shares` records which files a partner
/// may download under a verification request. A campaign image keeps its original (sealed) apart from the public
/// copy, which has its metadata removed: an image stored before this migration is taken off the public site until
/// an editor saves the campaign again (which removes it), so no photo with its GPS position stays public.
struct AddEvidenceIntegrity: AsyncMigration {
    let cipher: FieldCipher

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        let blob = sql.dialect.name == "sqlite" ? "BLOB" : "BYTEA"
        for statement in [
            "ALTER TABLE case_attachments ADD COLUMN sha256_sealed TEXT",
            "ALTER TABLE case_attachments ADD COLUMN derived_from TEXT",
            "ALTER TABLE case_attachments ADD COLUMN derivation TEXT",
            "ALTER TABLE campaigns ADD COLUMN image_original \(blob)",
            "ALTER TABLE campaigns ADD COLUMN image_sha256 TEXT",
            "ALTER TABLE campaigns ADD COLUMN image_clean BOOLEAN NOT NULL DEFAULT FALSE"
        ] {
            try await sql.raw("\(unsafeRaw: statement)").run()
        }
        try await database.schema("attachment_shares")
            .field("id", .string, .identifier(auto: false))
            .field("verification_id", .string, .required)
            .field("attachment_id", .string, .required)
            .field("case_id", .string, .required)
            .field("shared_at", .int64, .required)
            .field("shared_by", .string, .required)
            .unique(on: "verification_id", "attachment_id")
            .create()
        try await sql.create(index: "attachment_shares_attachment").on("attachment_shares").column("attachment_id")
            .run()
        try await Self.backfill(cipher: cipher, on: database)
    }

    /// Hashes every stored file, and takes each campaign image not yet cleaned off the public site (kept sealed).
    /// Run again, it changes nothing.
    static func backfill(cipher: FieldCipher, on database: any Database) async throws {
        let sql = database.sql
        try await SealedStorage.rewrite(.attachmentData, into: "sha256_sealed", on: database) { value, row in
            guard case .bytes(let data) = try cipher.openAny(value, in: .attachmentData, row: row) else { return nil }
            return .text(cipher.seal(Evidence.sha256(data), in: .attachmentSHA256, row: row))
        }
        struct Image: Decodable { let id: String, image: Data }
        let images = try await sql.raw(
            """
            SELECT id, image FROM campaigns WHERE image IS NOT NULL AND image_original IS NULL
            """
        ).all(decoding: Image.self)
        for image in images {
            try await sql.update("campaigns")
                .set(
                    "image_original",
                    to: cipher.seal(
                        bytes: Array(image.image), in: .campaignImageOriginal,
                        row: image.id)
                )
                .set("image_sha256", to: Evidence.sha256(image.image))
                .set("image", to: SQLLiteral.null).set("image_clean", to: false)
                .where("id", .equal, image.id).run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("attachment_shares").delete()
        struct Image: Decodable { let id: String, imageOriginal: Data }
        let images = try await database.sql
            .raw("SELECT id, image_original FROM campaigns WHERE image_original IS NOT NULL")
            .all(decoding: Image.self, keyDecodingStrategy: .convertFromSnakeCase)
        for image in images {
            let original = try cipher.open(bytes: image.imageOriginal, in: .campaignImageOriginal, row: image.id)
            try await database.sql.update("campaigns").set("image", to: original).where("id", .equal, image.id).run()
        }
        for (table, column) in [
            ("case_attachments", "sha256_sealed"), ("case_attachments", "derived_from"),
            ("case_attachments", "derivation"), ("campaigns", "image_original"),
            ("campaigns", "image_sha256"), ("campaigns", "image_clean")
        ] {
            try await database.schema(table).deleteField(FieldKey(stringLiteral: column)).update()
        }
    }
}
