import Fluent
import ObservatoryCore
import SQLKit

/// Binds every sealed value to its row: each `v1:` value (and each column that was still clear: a person's
/// public description, an act's date, place and perpetrator detail) is sealed again as `v2:`, whose associated
/// data holds the table, the column and the row's id (`SealedColumn.all`). Records the key's fingerprint in
/// `site_key`, and makes `key_rotation`, where `observatory key rotate` keeps its progress.
/// Resumable and idempotent: a value that already opens as `v2:` is left alone, so an interrupted run is run again.
struct SealBoundToRow: AsyncMigration {
    let cipher: FieldCipher

    func prepare(on database: any Database) async throws {
        try await database.schema("site_key")
            .field("id", .int, .identifier(auto: false))  // always 1
            .field("fingerprint", .string, .required)  // FieldCipher.fingerprint of the key in use
            .field("created_at", .int64, .required)
            .ignoreExisting().create()
        try await database.schema("key_rotation")
            .field("id", .int, .identifier(auto: false))  // always 1, while a rotation is under way
            .field("new_fingerprint", .string, .required)
            .field("steps_done", .string, .required)  // names of finished steps, comma separated
            .field("started_at", .int64, .required)
            .ignoreExisting().create()
        let cipher = self.cipher
        for column in SealedColumn.all {
            try await SealedStorage.rewrite(column, on: database) { value, row in
                if cipher.opens(value, in: column, row: row) { return nil }
                do {
                    return cipher.sealValue(try cipher.openAny(value, in: column, row: row), in: column, row: row)
                } catch { throw KeyGuard.Refusal.keyDoesNotOpen(column: "\(column)") }
            }
        }
        try await KeyGuard.record(cipher, on: database)
    }

    /// Back to `v1:` (and clear text where the column was clear), then the tables go.
    func revert(on database: any Database) async throws {
        let cipher = self.cipher
        for column in SealedColumn.all {
            try await SealedStorage.rewrite(column, on: database) { value, row in
                guard cipher.opens(value, in: column, row: row) else { return nil }
                switch (try cipher.openAny(value, in: column, row: row), column.before) {
                case (.text(let text), .clear): return .text(text)
                case (.text(let text), .sealed(let context)): return .text(cipher.seal(text, context: context))
                case (.bytes(let data), .sealedPerRow(let prefix)):
                    return .bytes(cipher.seal(bytes: Array(data), context: prefix + row))
                default: return nil
                }
            }
        }
        try await database.schema("key_rotation").delete()
        try await database.schema("site_key").delete()
    }
}
