import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// An adversary against the evidence store who has the database but not the key: a byte of a stored file, or of
/// its recorded hash, changed in place. Every read path must name the file as altered (409 or the page's
/// "Altered") and serve nothing of it; no page of the case may fail.
@Suite struct EvidenceAttackTests {
    @Test(arguments: Engine.all)
    func bytesChangedWithoutTheKeyAreAlteredOnEveryReadPath(_ engine: Engine) async throws {
        let seed = UInt64.random(in: 1...UInt64.max)
        print("EvidenceAttackTests seed: \(seed)")
        var rng = SeededGenerator(seed: seed)
        try await withApp(engine) { app in
            let team = try await CaseTeam.make(app)
            let first = Array("CANARY first statement".utf8), second = Array("CANARY second statement".utf8)
            let (caseID, files) = try await EvidenceTests.caseWithFiles(team, [("one.txt", first), ("two.txt", second)])
            try await team.drafter.get("/office/cases/\(caseID)")
            try await team.drafter.post(
                "/office/cases/\(caseID)/verifications",
                [("organisation", "org-1"), ("shared", "Please confirm."), ("days", "14")])
            struct V: Decodable { let id: String }
            let verification = try #require(
                try await app.db.sql.raw("SELECT id FROM verifications")
                    .first(decoding: V.self)
            ).id
            for file in files {
                try await EvidenceTests.record(team.drafter, caseID, file)
                try await team.drafter.post(
                    "/office/cases/\(caseID)/attachments/\(file)/shares",
                    [("verification", verification)])
            }
            // One byte of the first file's sealed bytes, and one character of the second file's sealed hash.
            struct Bytes: Decodable { let dataSealed: Data }
            var sealed = try #require(
                try await app.db.sql.raw(
                    """
                    SELECT data_sealed FROM case_attachments WHERE id = \(bind: files[0])
                    """
                ).first(decoding: Bytes.self, keyDecodingStrategy: .convertFromSnakeCase)
            ).dataSealed
            let at = Int.random(in: 0..<sealed.count, using: &rng)
            sealed[sealed.startIndex + at] ^= UInt8.random(in: 1...255, using: &rng)
            try await app.db.sql.update("case_attachments").set("data_sealed", to: sealed)
                .where("id", .equal, files[0]).run()
            struct Hash: Decodable { let sha256Sealed: String }
            var hash = Array(
                try #require(
                    try await app.db.sql.raw(
                        """
                        SELECT sha256_sealed FROM case_attachments WHERE id = \(bind: files[1])
                        """
                    ).first(decoding: Hash.self, keyDecodingStrategy: .convertFromSnakeCase)
                ).sha256Sealed)
            // Past "v1:" and far from the end (base64's last character may carry bits that are not decoded).
            let position = Int.random(in: 4..<(hash.count / 2), using: &rng)
            hash[position] = hash[position] == "A" ? "B" : "A"
            try await app.db.sql.update("case_attachments").set("sha256_sealed", to: String(hash))
                .where("id", .equal, files[1]).run()

            let casePage = try await team.drafter.get("/office/cases/\(caseID)")
            #expect(casePage.status == .ok, "the case still opens: \(casePage.status) (seed \(seed))")
            for file in files {
                let office = try await EvidenceTests.download(
                    team.drafter,
                    "/office/cases/\(caseID)/attachments/\(file)")
                #expect(
                    office.status == .conflict && !office.body.contains("CANARY"),
                    "\(file): \(office.status) \(office.body.prefix(200)) (seed \(seed))")
                let page = try await EvidenceTests.record(team.drafter, caseID, file)
                #expect(page.status == .ok && page.body.contains("Altered:"), "\(file): \(page.status) (seed \(seed))")
                let partner = try await EvidenceTests.download(
                    team.partner,
                    "/partner/verifications/\(verification)/files/\(file)")
                #expect(
                    partner.status == .conflict && !partner.body.contains("CANARY"),
                    "\(file): \(partner.status) (seed \(seed))")
                let copy = try await team.drafter.post("/office/cases/\(caseID)/attachments/\(file)/copies", [])
                #expect(copy.status == .conflict, "no copy of \(file): \(copy.status) (seed \(seed))")
            }
            let partnerPage = try await team.partner.get("/partner/verifications/\(verification)")
            #expect(partnerPage.status == .ok, "the partner's request still opens: \(partnerPage.status)")
            let (checked, problems) = try await EvidenceExport.verify(case: caseID, app: app)
            #expect(checked == 2 && problems.count == 2, "\(problems) (seed \(seed))")
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("attack-\(UUID().uuidString)")
            do {
                _ = try await EvidenceExport.run(case: caseID, to: directory.path, by: "test", app: app)
                Issue.record("an export of altered files was written (seed \(seed))")
            } catch let failure as UserCommand.Failure {
                #expect(
                    failure.description.contains(files[0]) && failure.description.contains(files[1]),
                    "the refusal names both files: \(failure.description)")
            }
            #expect(!FileManager.default.fileExists(atPath: directory.path), "nothing is written")
            struct Count: Decodable { let n: Int }
            #expect(
                try await app.db.sql.raw("SELECT COUNT(*) AS n FROM case_attachments")
                    .first(decoding: Count.self)?.n == 2, "no copy was stored")
        }
    }
}
