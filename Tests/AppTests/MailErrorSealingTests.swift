import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// Migration 024: error texts stored in clear before it are sealed; revert opens them again.
@Suite struct MailErrorSealingTests {
    struct Row: Decodable { let id: Int64, lastError: String? }

    static func rows(_ app: Application) async throws -> [Row] {
        try await app.db.sql.raw("SELECT id, last_error FROM outbox ORDER BY id")
            .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    @Test(arguments: Engine.all)
    func errorsStoredInClearBeforeAreSealedByTheMigration(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup: rows as an older version wrote them, one already sealed, one without an error
            let clear = "550 5.1.1 <ana@example.org>: Recipient address rejected"
            let sealed = app.site.cipher.seal("451 try later", context: SealOutboxErrors.context)
            for (key, error) in [("a", clear), ("b", sealed), ("c", nil)] as [(String, String?)] {
                try await app.db.sql.insert(into: "outbox")
                    .columns(
                        "dedupe_key", "kind", "subscriber_id", "status", "attempts", "not_before", "last_error",
                        "created_at"
                    )
                    .values(key, "confirm", "subscriber-1", "failed", 1, 0, error, 0).run()
            }
            // act
            let migration = SealOutboxErrors(cipher: app.site.cipher)
            try await migration.prepare(on: app.db)
            // assert
            let after = try await Self.rows(app)
            #expect(after.allSatisfy { $0.lastError.map { $0.hasPrefix("v1:") } ?? true })
            #expect(!after.contains { $0.lastError?.contains("ana@example.org") == true }, "no address in clear")
            let cipher = app.site.cipher
            let opened = after.compactMap(\.lastError).map { try? cipher.open($0, context: SealOutboxErrors.context) }
            #expect(opened == [clear, "451 try later"], "each text is kept, sealed once")
            #expect(after[2].lastError == nil)
            try await migration.revert(on: app.db)
            #expect(try await Self.rows(app).map(\.lastError) == [clear, "451 try later", nil])
        }
    }
}
