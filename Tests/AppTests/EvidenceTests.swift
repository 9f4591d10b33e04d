import Fluent
import Foundation
import NIOConcurrencyHelpers
import ObservatoryCore
import PropertyBased
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import App

/// Issue 20, evidence that stays evidence, through the running app on both engines: every file hashed when it
/// arrives, originals never changed, the stored bytes checked on every read, the custody history, the export
/// bundle that `sha256sum -c` checks, who may download what, and nothing public with metadata.
@Suite struct EvidenceTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: fixtures.appendingPathComponent(name)))
    }

    /// What exiftool reads in the bytes (every group, every tag), as JSON text.
    static func exiftool(_ bytes: [UInt8], type: String) throws -> String {
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("evidence-\(UUID().uuidString).\(Evidence.fileExtension(type))")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process(), out = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["exiftool", "-j", "-a", "-u", "-G1", file.path]
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "exiftool reads the file")
        return text
    }

    static func scratch() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("evidence-\(UUID().uuidString)")
    }

    /// What identifies a person or a device in the fixtures' metadata.
    static let identifying = [
        "GPS", "Serial", "CANARY", "Canary", "Canon", "EOS 5D", "Artist", "Author",
        "CanaryWriter", "Witness statement"
    ]

    /// A download's bytes (the browser's text body would not keep them).
    static func download(
        _ browser: TestBrowser, _ path: String
    ) async throws -> (
        status: HTTPStatus, bytes: [UInt8],
        body: String
    ) {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(
            name: .cookie,
            value: browser.cookies.map { "\($0.key)=\($0.value)" }
                .joined(separator: "; "))
        var result: (HTTPStatus, [UInt8], String)? = nil
        try await browser.app.testing().test(.GET, path, headers: headers) { res async in
            result = (res.status, Array(res.body.readableBytesView), res.body.string)
        }
        return result!
    }

    /// A case opened by the drafter with `files` uploaded through the case page; its id and the files' ids.
    static func caseWithFiles(
        _ team: CaseTeam, label: String = "Evidence case",
        _ files: [(String, [UInt8])]
    ) async throws -> (String, [String]) {
        try await team.drafter.get("/office/cases/new")
        let opened = try await team.drafter.post(
            "/office/cases/new",
            [
                ("label", label), ("country", "MX"),
                ("risk", "low"), ("kind", "defender")
            ])
        let casePath = try #require(opened.location)
        let caseID = String(casePath.split(separator: "/").last!)
        try await team.drafter.get(casePath)
        let sent = try await team.drafter.postMultipart(
            "\(casePath)/attachments", [],
            files: files.map { ("files", $0.0, $0.1) })
        #expect(sent.status == .seeOther, "the files are stored: \(sent.body.prefix(200))")
        // In the order sent (files stored at the same second are listed by id), matched by their bytes.
        let app = team.drafter.app
        let stored = try await EvidenceStore.files(case: caseID, cipher: app.site.cipher, on: app.db)
        let ids = files.compactMap { file in stored.first { $0.sha256 == Evidence.sha256(file.1) }?.id }
        #expect(ids.count == files.count && Set(ids).count == files.count && ids.count == stored.count)
        return (caseID, ids)
    }

    static func fileIDs(_ browser: TestBrowser, _ caseID: String) async throws -> [String] {
        let page = try await browser.get("/office/cases/\(caseID)")
        let regex = try NSRegularExpression(pattern: "/attachments/(file-[a-z0-9]{12})/record")
        return regex.matches(in: page.body, range: NSRange(page.body.startIndex..., in: page.body)).compactMap {
            Range($0.range(at: 1), in: page.body).map { String(page.body[$0]) }
        }
    }

    @discardableResult
    static func record(_ browser: TestBrowser, _ caseID: String, _ fileID: String) async throws -> TestBrowser.Page {
        try await browser.get("/office/cases/\(caseID)/attachments/\(fileID)/record")
    }

    /// Sees each call, and hands it to mat2 (or fails, to show that nothing is then published).
    final class RecordingStripper: MetadataStripper, @unchecked Sendable {
        let calls = NIOLockedValueBox<[String]>([])
        let failure: String?
        init(failing failure: String? = nil) { self.failure = failure }
        func strip(_ bytes: [UInt8], contentType: String) async throws -> [UInt8] {
            calls.withLockedValue { $0.append(contentType) }
            if let failure { throw MetadataStripFailure(description: failure) }
            return try await Mat2Stripper().strip(bytes, contentType: contentType)
        }
    }

    // MARK: - Hashed on arrival, by every path a file arrives

    @Test(arguments: Engine.all)
    func everyFileIsHashedWhenItArrivesWhateverPathItTakes(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let team = try await CaseTeam.make(app)
            let reporter = TestBrowser(app)
            let first = Array("%PDF-1.7 first statement".utf8), later = Array("a later note from the reporter".utf8)
            let code = try #require(
                try await reporter.report(
                    person: "Ana", description: "a defender", account: "x",
                    files: [("files", "statement.pdf", first)]))
            try await reporter.get("/report/receipt")
            _ = try await reporter.postMultipart(
                "/report/receipt/add", [("code", code), ("account", "")],
                files: [("files", "later.txt", later)])
            let reported = try #require(
                firstMatch(
                    "/office/cases/(case-[a-z0-9]{12})",
                    in: try await team.drafter.get("/office/cases").body))
            // And generated files through the case page: every byte value, sizes from 1 byte to 3 KB.
            let seed = UInt64.random(in: 1...UInt64.max)
            print("EvidenceTests: generated files from seed \(seed)")
            var generator = SeededGenerator(seed: seed)
            let sent: [[UInt8]] = (0..<12).map { _ in
                let count = Int.random(in: 1...3_000, using: &generator)
                // Printable, so each is taken as a text file.
                return [UInt8(ascii: "T")] + (1..<count).map { _ in UInt8.random(in: 32...126, using: &generator) }
            }
            let (officeCase, officeFiles) = try await Self.caseWithFiles(
                team,
                sent.prefix(3).enumerated().map {
                    ("generated-\($0.offset).txt", $0.element)
                })
            // Files stored at the same second are listed by id: each is matched to what was sent by its bytes.
            let reportedFiles = try await Self.fileIDs(team.drafter, reported)
            #expect(reportedFiles.count == 2 && officeFiles.count == 3)
            for (caseID, files, sentFiles, who) in [
                (reported, reportedFiles, [first, later], "reporter"),
                (
                    officeCase, officeFiles, Array(sent.prefix(3)),
                    "drafter@example.org"
                )
            ] {
                var found: [[UInt8]] = []
                for fileID in files {
                    let got = try await Self.download(team.drafter, "/office/cases/\(caseID)/attachments/\(fileID)")
                    #expect(got.status == .ok)
                    found.append(got.bytes)
                    let page = try await Self.record(team.drafter, caseID, fileID)
                    #expect(page.status == .ok)
                    #expect(
                        page.body.contains("<code id=\"sha256\">\(Evidence.sha256(got.bytes))</code>"),
                        "\(fileID) hashed")
                    #expect(page.body.contains("the stored bytes match the SHA-256"))
                    #expect(page.body.contains("<td>Received</td><td>\(who)</td>"), "received by \(who): \(fileID)")
                }
                #expect(Set(found) == Set(sentFiles), "the bytes sent, each stored once")
            }
            // Every remaining generated file, one request each, all at once: each hashed as it was sent.
            let rest = Array(sent.dropFirst(3))
            let (busyCase, _) = try await Self.caseWithFiles(team, label: "Busy", [("seed.txt", Array("seed".utf8))])
            try await team.drafter.get("/office/cases/\(busyCase)")
            try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for (index, data) in rest.enumerated() {
                    group.addTask {
                        try await team.drafter.postMultipart(
                            "/office/cases/\(busyCase)/attachments", [],
                            files: [("files", "at-once-\(index).txt", data)]
                        ).status
                    }
                }
                for try await status in group { #expect(status == .seeOther) }
            }
            let busy = try await EvidenceStore.files(case: busyCase, cipher: app.site.cipher, on: app.db)
            #expect(busy.count == rest.count + 1)
            let hashes = Set(busy.compactMap(\.sha256))
            for data in rest { #expect(hashes.contains(Evidence.sha256(data))) }
            // The hash is sealed: a copy of the database cannot confirm that a known file is held.
            struct Raw: Decodable { let sha256Sealed: String }
            let raw = try await app.db.sql.raw("SELECT sha256_sealed FROM case_attachments")
                .all(decoding: Raw.self, keyDecodingStrategy: .convertFromSnakeCase)
            #expect(
                !raw.isEmpty
                    && raw.allSatisfy {
                        $0.sha256Sealed.hasPrefix("v2:") && !hashes.contains($0.sha256Sealed)
                    })
            let verdict = try await AuditLog.verify(on: app.db, anchor: nil)
            #expect(verdict.firstBreak == nil, "the custody entries are links of the intact chain")
        }
    }

    /// A file stored before migration 037 gets its hash from the migration.
    @Test(arguments: Engine.all)
    func theMigrationHashesFilesStoredBefore(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let cipher = app.site.cipher, data = Array("stored before issue 20".utf8)
            let caseID = try await CaseStore.open(
                NewCase(country: "MX", label: "Old"), by: "t", now: testClock.now(),
                cipher: cipher, on: app.db)
            try await CaseRecords.addAttachment(
                Upload(filename: "old.txt", contentType: "text/plain", data: data),
                by: "t", to: caseID, now: testClock.now(), cipher: cipher, on: app.db)
            try await app.db.sql.raw("UPDATE case_attachments SET sha256_sealed = NULL").run()
            #expect(try await EvidenceStore.files(case: caseID, cipher: cipher, on: app.db).first?.sha256 == nil)
            try await AddEvidenceIntegrity.backfill(cipher: cipher, on: app.db)
            let file = try #require(try await EvidenceStore.files(case: caseID, cipher: cipher, on: app.db).first)
            #expect(file.sha256 == Evidence.sha256(data))
            // Run again, it changes no hash.
            try await AddEvidenceIntegrity.backfill(cipher: cipher, on: app.db)
            let again = try #require(try await EvidenceStore.files(case: caseID, cipher: cipher, on: app.db).first)
            #expect(again.sha256 == Evidence.sha256(data))
        }
    }

    // MARK: - Originals are never changed; copies are separate rows naming their original

    @Test(arguments: Engine.all)
    func noPathChangesAnOriginal(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let stripper = RecordingStripper()
            app.metadataStripper = stripper
            let team = try await CaseTeam.make(app)
            let jpeg = try Self.fixture("evidence-gps.jpg"), pdf = try Self.fixture("evidence-author.pdf")
            let (caseID, files) = try await Self.caseWithFiles(team, [("photo.jpg", jpeg), ("statement.pdf", pdf)])
            let (photo, statement) = (files[0], files[1])
            struct Stored: Decodable, Equatable { let id: String, sha256Sealed: String, size: Int, contentType: String }
            func originals() async throws -> [Stored] {
                try await app.db.sql.raw(
                    """
                    SELECT id, sha256_sealed, size, content_type FROM case_attachments WHERE derived_from IS NULL
                    ORDER BY id
                    """
                ).all(decoding: Stored.self, keyDecodingStrategy: .convertFromSnakeCase)
            }
            let before = try await originals()
            // Every path that writes a file: copies without metadata (twenty at once), sharing, downloading,
            // exporting, the partner's download, uploading again, key rotation.
            try await Self.record(team.drafter, caseID, photo)
            try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await team.drafter.post("/office/cases/\(caseID)/attachments/\(photo)/copies", []).status
                    }
                }
                for try await status in group { #expect(status == .seeOther) }
            }
            try await Self.record(team.drafter, caseID, statement)
            #expect(
                try await team.drafter.post("/office/cases/\(caseID)/attachments/\(statement)/copies", [])
                    .status == .seeOther)
            try await team.drafter.get("/office/cases/\(caseID)")
            try await team.drafter.post(
                "/office/cases/\(caseID)/verifications",
                [("organisation", "org-1"), ("shared", "Please confirm."), ("days", "14")])
            struct V: Decodable { let id: String }
            let verification = try #require(
                try await app.db.sql.raw("SELECT id FROM verifications")
                    .first(decoding: V.self)
            ).id
            try await Self.record(team.drafter, caseID, photo)
            #expect(
                try await team.drafter.post(
                    "/office/cases/\(caseID)/attachments/\(photo)/shares",
                    [("verification", verification)]
                ).status == .seeOther)
            #expect(
                try await Self.download(team.partner, "/partner/verifications/\(verification)/files/\(photo)")
                    .bytes == jpeg)
            #expect(try await Self.download(team.drafter, "/office/cases/\(caseID)/attachments/\(photo)").bytes == jpeg)
            let directory = Self.scratch()
            defer { try? FileManager.default.removeItem(at: directory) }
            _ = try await EvidenceExport.run(case: caseID, to: directory.path, by: "test", app: app)
            try await team.drafter.get("/office/cases/\(caseID)")
            _ = try await team.drafter.postMultipart(
                "/office/cases/\(caseID)/attachments", [],
                files: [("files", "photo.jpg", jpeg)])
            // A copy is not copied again, and names its original.
            let stored = try await EvidenceStore.files(case: caseID, cipher: app.site.cipher, on: app.db)
            let pdfCopyID = try #require(stored.first { $0.derivedFrom == statement }).id
            let copyPage = try await Self.record(team.drafter, caseID, pdfCopyID)
            #expect(copyPage.status == .ok && !copyPage.body.contains("Make a copy without metadata"))
            #expect(copyPage.body.contains("Made from") && copyPage.body.contains("statement.pdf"))
            let new = FieldCipher.random()
            #expect(
                try await KeyRotation.rotate(
                    from: app.site.cipher, to: new, by: "system", now: testClock.now(),
                    on: app.db) == .rotated)
            // The originals: the same rows, hashes and bytes (the same photo sent again is a new file of its own).
            let after = try await originals()
            #expect(after.count == before.count + 1)
            for old in before {
                let now = try #require(after.first { $0.id == old.id })
                #expect(now.size == old.size && now.contentType == old.contentType)
                let file = try #require(try await EvidenceStore.find(old.id, case: caseID, cipher: new, on: app.db))
                let (bytes, integrity) = try await EvidenceStore.contents(file, cipher: new, on: app.db)
                #expect(integrity == .intact && bytes == (old.id == photo ? jpeg : pdf))
                #expect(file.sha256 == Evidence.sha256(old.id == photo ? jpeg : pdf))
            }
            // Each copy is a file of its own naming its original, with its own hash; mat2 was called for each.
            let all = try await EvidenceStore.files(case: caseID, cipher: new, on: app.db)
            let copies = all.filter { $0.derivedFrom != nil }
            #expect(copies.count == 21 && copies.filter { $0.derivedFrom == photo }.count == 20)
            #expect(copies.allSatisfy { $0.derivation == "metadata removed (mat2)" && $0.sha256 != nil })
            #expect(stripper.calls.withLockedValue { $0 }.count == 21)
            let pdfCopy = try #require(copies.first { $0.derivedFrom == statement })
            let copied = try await EvidenceStore.contents(pdfCopy, cipher: new, on: app.db)
            #expect(copied.integrity == .intact && copied.bytes != pdf)
            let read = try Self.exiftool(copied.bytes, type: "application/pdf")
            for word in ["Canary Author Name", "CanaryWriter", "Witness statement"] {
                #expect(!read.contains(word), "the PDF copy keeps no \(word): \(read)")
            }
            #expect(
                try Self.exiftool(pdf, type: "application/pdf").contains("Canary Author Name"),
                "the reader does see the author in the original")
        }
    }

    /// The app's source: no statement rewrites a stored file outside the key's own walks (which re-seal the
    /// same bytes, checked above), and none deletes one but retention's (issue 20): there a case officer decides,
    /// with a reason, that a case is anonymised or deleted, and the destruction is audited (`RetentionTests`).
    @Test func noSourceUpdatesAStoredFile() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/App")
        let files = try FileManager.default.subpathsOfDirectory(atPath: sources.path).filter { $0.hasSuffix(".swift") }
        #expect(files.count > 50)
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8).lowercased()
            for pattern in [
                "update case_attachments", "update(\"case_attachments\")", "delete from case_attachments",
                "into: \"case_attachments\")\n            .onconflict"
            ] {
                #expect(!text.contains(pattern), "\(file) writes over a stored file: \(pattern)")
            }
            let deletion = "delete(from: \"case_attachments\")"
            let deletions = text.components(separatedBy: deletion).count - 1
            #expect(
                deletions == (file == "Features/Retention/CaseErasure.swift" ? 1 : 0),
                "\(file) deletes stored files \(deletions) time(s): only a retention decision may, once")
        }
    }

    // MARK: - The stored bytes are checked on every read

    @Test(arguments: Engine.all)
    func alteredBytesAreReportedAndNeverServed(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let team = try await CaseTeam.make(app), cipher = app.site.cipher
            let original = Array("the original statement".utf8)
            let (caseID, files) = try await Self.caseWithFiles(team, [("statement.txt", original)])
            let fileID = files[0]
            try await team.drafter.get("/office/cases/\(caseID)")
            try await team.drafter.post(
                "/office/cases/\(caseID)/verifications",
                [("organisation", "org-1"), ("shared", "Please confirm."), ("days", "14")])
            struct V: Decodable { let id: String }
            let verification = try #require(
                try await app.db.sql.raw("SELECT id FROM verifications")
                    .first(decoding: V.self)
            ).id
            try await Self.record(team.drafter, caseID, fileID)
            try await team.drafter.post(
                "/office/cases/\(caseID)/attachments/\(fileID)/shares",
                [("verification", verification)])
            // Someone with the key and the database swaps the bytes (sealed properly, so they open).
            try await app.db.sql.update("case_attachments")
                .set(
                    "data_sealed",
                    to: cipher.seal(
                        bytes: Array("a forged statement".utf8), in: .attachmentData,
                        row: fileID)
                )
                .where("id", .equal, fileID).run()
            let download = try await Self.download(team.drafter, "/office/cases/\(caseID)/attachments/\(fileID)")
            #expect(download.status == .conflict && !download.bytes.contains(Array("forged".utf8)))
            #expect(download.body.contains("no longer match the SHA-256"), "\(download.body.prefix(300))")
            let page = try await Self.record(team.drafter, caseID, fileID)
            #expect(page.body.contains("Altered:") && page.body.contains(Evidence.sha256(original)))
            let partner = try await Self.download(
                team.partner,
                "/partner/verifications/\(verification)/files/\(fileID)")
            #expect(partner.status == .conflict && !partner.body.contains("forged"))
            #expect(
                try await team.drafter.post("/office/cases/\(caseID)/attachments/\(fileID)/copies", [])
                    .status == .conflict, "no copy is made of altered bytes")
            let (checked, problems) = try await EvidenceExport.verify(case: nil, app: app)
            #expect(checked == 1 && problems.count == 1 && problems[0].contains(fileID))
            let directory = Self.scratch()
            await #expect(throws: UserCommand.Failure.self) {
                _ = try await EvidenceExport.run(case: caseID, to: directory.path, by: "test", app: app)
            }
            #expect(!FileManager.default.fileExists(atPath: directory.path), "nothing is written")
        }
    }

    // MARK: - Custody history

    @Test(arguments: Engine.all)
    func theCustodyHistoryNamesWhoDidWhatAndWhen(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let team = try await CaseTeam.make(app)
            let jpeg = try Self.fixture("evidence-gps.jpg")
            let (caseID, files) = try await Self.caseWithFiles(team, [("photo.jpg", jpeg)])
            let fileID = files[0]
            try await team.drafter.get("/office/cases/\(caseID)")
            try await team.drafter.post(
                "/office/cases/\(caseID)/verifications",
                [("organisation", "org-1"), ("shared", "Please confirm."), ("days", "14")])
            struct V: Decodable { let id: String }
            let verification = try #require(
                try await app.db.sql.raw("SELECT id FROM verifications")
                    .first(decoding: V.self)
            ).id
            _ = try await Self.download(team.approver, "/office/cases/\(caseID)/attachments/\(fileID)")
            try await Self.record(team.approver, caseID, fileID)
            try await team.approver.post("/office/cases/\(caseID)/attachments/\(fileID)/copies", [])
            try await Self.record(team.approver, caseID, fileID)
            try await team.approver.post(
                "/office/cases/\(caseID)/attachments/\(fileID)/shares",
                [("verification", verification)])
            let partnerPage = try await team.partner.get("/partner/verifications/\(verification)")
            #expect(partnerPage.body.contains("/partner/verifications/\(verification)/files/\(fileID)\">photo.jpg"))
            _ = try await Self.download(team.partner, "/partner/verifications/\(verification)/files/\(fileID)")
            let directory = Self.scratch()
            defer { try? FileManager.default.removeItem(at: directory) }
            _ = try await EvidenceExport.run(case: caseID, to: directory.path, by: "exporter", app: app)
            let page = try await Self.record(team.drafter, caseID, fileID)
            let rows = page.body.components(separatedBy: "<tr><td>").dropFirst().map { String($0.prefix(300)) }
            let events = rows.map { row in CustodyEvent.allCases.first { row.contains("<td>\($0.label)</td>") } }
            #expect(
                events == [.received, .viewed, .copyMade, .shared, .partnerViewed, .exported],
                "in order: \(rows)")
            #expect(rows[0].contains("drafter@example.org") && rows[1].contains("approver@example.org"))
            #expect(rows[3].contains("organisation org-1") && rows[4].contains("partner@example.org"))
            #expect(rows[5].contains("exporter"))
            #expect(rows.allSatisfy { $0.hasPrefix("2026-11-20T") }, "each says when")
            // The bundle's manifest holds the same history, up to and with the export.
            let manifest =
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: directory.appendingPathComponent("manifest.json"))) as? [String: Any]
            let listed = (manifest?["files"] as? [[String: Any]])?.first { $0["id"] as? String == fileID }
            let custody = (listed?["custody"] as? [[String: Any]])?.compactMap { $0["event"] as? String }
            #expect(
                custody
                    == [CustodyEvent.received, .viewed, .copyMade, .shared, .partnerViewed, .exported]
                    .map(\.rawValue))
            #expect(try await AuditLog.verify(on: app.db, anchor: nil).firstBreak == nil)
        }
    }

    // MARK: - The export bundle

    @Test(arguments: Engine.all)
    func theExportIsCheckedBySha256sumAndHoldsOnlyTheCase(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let team = try await CaseTeam.make(app)
            let jpeg = try Self.fixture("evidence-gps.jpg"), canary = Array("Qz9OTHERCASE canary".utf8)
            let odd = "ünï cödé ✓ \\..\\name.txt"
            let (caseID, _) = try await Self.caseWithFiles(team, [("photo.jpg", jpeg), (odd, Array("text file".utf8))])
            let (otherCase, _) = try await Self.caseWithFiles(team, label: "Other", [("other.txt", canary)])
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("evidence-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: root) }
            func shell(_ arguments: [String], in directory: URL) throws -> (Int32, String) {
                let process = Process(), out = Pipe()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                process.arguments = arguments
                process.currentDirectoryURL = directory
                process.standardOutput = out
                process.standardError = out
                try process.run()
                let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                return (process.terminationStatus, text)
            }
            // To a directory, and to a tar file.
            let directory = root.appendingPathComponent("bundle")
            let result = try await EvidenceExport.run(case: caseID, to: directory.path, by: "test", app: app)
            #expect(result.files == 2)
            let checked = try shell(["sha256sum", "-c", "SHA256SUMS"], in: directory)
            #expect(checked.0 == 0 && checked.1.components(separatedBy: ": OK").count == 4, "\(checked.1)")
            let tar = root.appendingPathComponent("bundle.tar")
            _ = try await EvidenceExport.run(case: caseID, to: tar.path, by: "test", app: app)
            let unpacked = root.appendingPathComponent("unpacked")
            try FileManager.default.createDirectory(at: unpacked, withIntermediateDirectories: true)
            #expect(try shell(["tar", "-xf", tar.path], in: unpacked).0 == 0)
            #expect(try shell(["sha256sum", "-c", "SHA256SUMS"], in: unpacked).0 == 0)
            // The original bytes, nothing of the other case.
            let sumsText = try String(contentsOf: directory.appendingPathComponent("SHA256SUMS"), encoding: .utf8)
            let sums = try #require(Evidence.parseSums(sumsText))
            #expect(sums.values.contains(Evidence.sha256(jpeg)) && !sums.values.contains(Evidence.sha256(canary)))
            for path in sums.keys {
                let bytes = try Data(contentsOf: directory.appendingPathComponent(path))
                #expect(bytes.range(of: Data("Qz9OTHERCASE".utf8)) == nil)
                #expect(bytes.range(of: Data(otherCase.utf8)) == nil)
            }
            // A third party finds any change.
            let photoPath = try #require(sums.first { $0.value == Evidence.sha256(jpeg) }?.key)
            let photo = directory.appendingPathComponent(photoPath)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: photo.path)
            var tampered = jpeg
            tampered[tampered.count / 2] ^= 0x01
            try Data(tampered).write(to: photo)
            let failed = try shell(["sha256sum", "-c", "SHA256SUMS"], in: directory)
            #expect(failed.0 != 0 && failed.1.contains("\(photoPath): FAILED"))
            // Audited: one entry for the export, one per file.
            struct Count: Decodable { let n: Int }
            let exports = try await app.db.sql.raw(
                """
                SELECT COUNT(*) AS n FROM audit_log WHERE action = 'evidence.export' AND record_id = \(bind: caseID)
                """
            ).first(decoding: Count.self)?.n
            let perFile = try await app.db.sql
                .raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'evidence.exported'")
                .first(decoding: Count.self)?.n
            #expect(exports == 2 && perFile == 4)
            // A case that does not exist, an id of another kind, a used place: a clear error and nothing written.
            await propertyCheck(count: 20, input: Gen.letterOrNumber.string(of: 0...20)) { junk in
                let target = root.appendingPathComponent("none-\(UUID().uuidString)")
                do {
                    _ = try await EvidenceExport.run(case: "case-" + junk, to: target.path, by: "test", app: app)
                    Issue.record("case-\(junk) was exported")
                } catch let failure as UserCommand.Failure {
                    #expect(failure.description.contains("there is no case") && failure.description.contains("nothing"))
                }
                #expect(!FileManager.default.fileExists(atPath: target.path))
            }
            await #expect(throws: UserCommand.Failure.self) {
                _ = try await EvidenceExport.run(case: caseID, to: directory.path, by: "test", app: app)
            }
            await #expect(throws: UserCommand.Failure.self) {
                _ = try await EvidenceExport.run(case: caseID, to: tar.path, by: "test", app: app)
            }
        }
    }

    // MARK: - Who may download what

    @Test(arguments: Engine.all)
    func onlyTheCaseTeamAndThePartnerItWasSharedWithGetAFile(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let team = try await CaseTeam.make(app)
            let (caseID, files) = try await Self.caseWithFiles(
                team,
                [
                    ("shared.txt", Array("shared text".utf8)),
                    ("kept.txt", Array("kept text".utf8))
                ])
            let (otherCase, otherFiles) = try await Self.caseWithFiles(
                team, label: "Other",
                [("other.txt", Array("other".utf8))])
            let (shared, kept) = (files[0], files[1])
            try await team.drafter.get("/office/cases/\(caseID)")
            try await team.drafter.post(
                "/office/cases/\(caseID)/verifications",
                [("organisation", "org-1"), ("shared", "Please confirm."), ("days", "7")])
            try await team.drafter.get("/office/cases/\(otherCase)")
            try await team.drafter.post(
                "/office/cases/\(otherCase)/verifications",
                [("organisation", "org-2"), ("shared", "Other."), ("days", "7")])
            struct V: Decodable { let id: String, caseId: String }
            let requests = try await app.db.sql.raw("SELECT id, case_id FROM verifications")
                .all(decoding: V.self, keyDecodingStrategy: .convertFromSnakeCase)
            let mine = try #require(requests.first { $0.caseId == caseID }).id
            let theirs = try #require(requests.first { $0.caseId == otherCase }).id
            // Sharing: only one of the case's own requests.
            try await Self.record(team.drafter, caseID, shared)
            let wrong = try await team.drafter.post(
                "/office/cases/\(caseID)/attachments/\(shared)/shares",
                [("verification", theirs)])
            #expect(wrong.status == .unprocessableEntity && wrong.body.contains("Choose one of this case"))
            #expect(
                try await team.drafter.post(
                    "/office/cases/\(caseID)/attachments/\(shared)/shares",
                    [("verification", mine)]
                ).status == .seeOther)
            let path = "/partner/verifications/\(mine)/files/"
            // The partner: the shared file, nothing else; the other partner nothing; no role reaches an original.
            #expect(try await Self.download(team.partner, path + shared).bytes == Array("shared text".utf8))
            for (browser, file, status) in [
                (team.partner, kept, HTTPStatus.notFound),
                (team.partner, otherFiles[0], .notFound),
                (team.otherPartner, shared, .notFound)
            ] {
                let refused = try await Self.download(browser, path + file)
                #expect(
                    refused.status == status && !refused.body.contains("kept text")
                        && !refused.body.contains("shared text"), "\(file): \(refused.status)")
            }
            #expect(
                try await Self.download(team.otherPartner, "/partner/verifications/\(theirs)/files/\(shared)")
                    .status == .notFound, "a request of another case does not open this case's file")
            for browser in [team.partner, team.otherPartner, TestBrowser(app)] {
                for target in [
                    "/office/cases/\(caseID)/attachments/\(kept)",
                    "/office/cases/\(caseID)/attachments/\(kept)/record"
                ] {
                    let refused = try await Self.download(browser, target)
                    #expect(refused.status == .forbidden || refused.status == .seeOther, "\(target)")
                    #expect(!refused.body.contains("kept text"))
                }
            }
            let editor = try await EditorialTests.secondEditor(app, "evidence-editor@example.org")
            #expect(try await Self.download(editor, "/office/cases/\(caseID)/attachments/\(kept)").status == .forbidden)
            // The case team: a file only through its own case.
            #expect(
                try await Self.download(team.drafter, "/office/cases/\(otherCase)/attachments/\(kept)")
                    .status == .notFound)
            #expect(try await Self.record(team.drafter, otherCase, kept).status == .notFound)
            // Guessed ids: any file id, on any request, answers exactly as one that never existed.
            let ids = Gen.oneOf(
                Gen.letterOrNumber.string(of: 12...12).map { "file-" + $0.lowercased() },
                Gen.character(in: " "..."\u{2FF}").string(of: 0...30))
            await propertyCheck(count: 60, input: ids) { guess in
                let segment = SiteRoute.escapeSegment(guess)
                guard !segment.isEmpty, guess != shared else { return }
                for (browser, target) in [
                    (team.partner, path + segment),
                    (team.drafter, "/office/cases/\(caseID)/attachments/\(segment)")
                ] {
                    let got = try await Self.download(browser, target)
                    #expect(got.status == .notFound && !got.body.contains("shared text"), "\(target): \(got.status)")
                }
            }
            // When the access the case officer gave ends, the shared file goes with it.
            try await app.db.sql.update("verifications").set("expires_at", to: testClock.now().seconds - 1)
                .where("id", .equal, mine).run()
            let ended = try await Self.download(team.partner, path + shared)
            #expect(ended.status == .forbidden && !ended.body.contains("shared text"))
            try await Self.record(team.drafter, caseID, kept)
            let late = try await team.drafter.post(
                "/office/cases/\(caseID)/attachments/\(kept)/shares",
                [("verification", mine)])
            #expect(late.status == .unprocessableEntity && late.body.contains("has ended"))
            struct Count: Decodable { let n: Int }
            #expect(
                try await app.db.sql.raw("SELECT COUNT(*) AS n FROM attachment_shares")
                    .first(decoding: Count.self)?.n == 1, "only the one share is stored")
        }
    }

    // MARK: - Nothing public carries metadata

    @Test(arguments: Engine.all)
    func aPublicImageIsReencodedWithoutMetadataAndTheOriginalKept(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let stripper = RecordingStripper()
            app.metadataStripper = stripper
            let jpeg = try Self.fixture("evidence-gps.jpg")
            let before = try Self.exiftool(jpeg, type: "image/jpeg")
            #expect(before.contains("CANARY-SN-4471") && before.contains("GPSLatitude"), "the fixture has metadata")
            let (_, secret) = try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let editor = TestBrowser(app)
            try await editor.signIn("editor@example.org", secret: secret)
            try await editor.get("/office/campaigns")
            let fields = [("id", "free-the-witness"), ("title", "Free the witness"), ("text", "A portrait.")]
            let saved = try await editor.postMultipart(
                "/office/campaigns", fields,
                files: [("image", "portrait.jpg", jpeg)])
            #expect(saved.status == .seeOther)
            #expect(stripper.calls.withLockedValue { $0 } == ["image/jpeg"])
            let second = try await EditorialTests.secondEditor(app)
            try await second.get("/office/campaigns?edit=free-the-witness")
            #expect(
                try await second.postMultipart("/office/campaigns", fields + [("published", "yes")], files: [])
                    .status == .seeOther)
            #expect(try await app.get("/campaigns/free-the-witness").body.contains("/campaigns/free-the-witness/image"))
            let visitor = TestBrowser(app)
            let served = try await Self.download(visitor, "/campaigns/free-the-witness/image")
            #expect(served.status == .ok && Upload.detectType(served.bytes) == "image/jpeg" && served.bytes != jpeg)
            let read = try Self.exiftool(served.bytes, type: "image/jpeg")
            for word in Self.identifying { #expect(!read.contains(word), "the public image has no \(word): \(read)") }
            // The original keeps its bytes and its hash, sealed apart from the public copy.
            struct Row: Decodable { let imageOriginal: Data, imageSha256: String }
            let row = try #require(
                try await app.db.sql.raw("SELECT image_original, image_sha256 FROM campaigns")
                    .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase))
            #expect(row.imageSha256 == Evidence.sha256(jpeg))
            #expect(
                Array(
                    try app.site.cipher.open(
                        bytes: row.imageOriginal, in: .campaignImageOriginal,
                        row: "free-the-witness")) == jpeg)
            #expect(row.imageOriginal.range(of: Data("CANARY-SN-4471".utf8)) == nil, "the original is sealed")
            // A PNG's text chunks go too.
            let png = try Self.fixture("evidence-poster.png")
            try await editor.get("/office/campaigns")
            #expect(
                try await editor.postMultipart(
                    "/office/campaigns", [("id", "poster"), ("title", "Poster")],
                    files: [("image", "poster.png", png)]
                ).status == .seeOther)
            struct Image: Decodable { let image: Data }
            let cleaned = try #require(
                try await app.db.sql.raw("SELECT image FROM campaigns WHERE id = 'poster'")
                    .first(decoding: Image.self))
            #expect(!(try Self.exiftool(Array(cleaned.image), type: "image/png")).contains("Canary"))
        }
    }

    /// When mat2 fails or is missing, nothing is stored and nothing goes public, and the editor is told why.
    @Test(arguments: Engine.all)
    func withoutMat2NothingIsPublished(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let jpeg = try Self.fixture("evidence-gps.jpg")
            let (_, secret) = try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let editor = TestBrowser(app)
            try await editor.signIn("editor@example.org", secret: secret)
            let fields = [("id", "free-the-witness"), ("title", "Free the witness"), ("text", "A portrait.")]
            for stripper in [
                RecordingStripper(failing: "mat2 could not remove the metadata (exit status 1)"),
                Mat2Stripper(searchPath: "/nonexistent") as any MetadataStripper
            ] {
                app.metadataStripper = stripper
                try await editor.get("/office/campaigns")
                let refused = try await editor.postMultipart(
                    "/office/campaigns", fields,
                    files: [("image", "portrait.jpg", jpeg)])
                #expect(refused.status == .unprocessableEntity)
                #expect(refused.body.contains("was not saved") && refused.body.contains("mat2"), "\(refused.body)")
                struct Count: Decodable { let n: Int }
                let stored = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM campaigns").first(decoding: Count.self)
                #expect(stored?.n == 0)
                #expect(try await app.get("/campaigns/free-the-witness/image").status == .notFound)
            }
            // And a case file's copy: refused with the reason, the original alone.
            app.metadataStripper = Mat2Stripper(searchPath: "/nonexistent")
            let team = try await CaseTeam.make(app)
            let (caseID, files) = try await Self.caseWithFiles(team, [("photo.jpg", jpeg)])
            try await Self.record(team.drafter, caseID, files[0])
            let copy = try await team.drafter.post("/office/cases/\(caseID)/attachments/\(files[0])/copies", [])
            #expect(copy.status == .unprocessableEntity && copy.body.contains("mat2 is not installed"))
            #expect(try await EvidenceStore.files(case: caseID, cipher: app.site.cipher, on: app.db).count == 1)
        }
    }

    /// An image stored before metadata was removed is taken off the public site by the migration and served
    /// again only once uploaded anew.
    @Test(arguments: Engine.all)
    func anImageStoredBeforeIsNotServedUntilCleaned(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let jpeg = try Self.fixture("evidence-gps.jpg")
            try await app.db.sql.insert(into: "campaigns")
                .columns(
                    "id", "title", "text", "image", "image_type", "publication_ids", "case_ids", "published",
                    "updated_by", "updated_at", "image_clean"
                )
                .values("old-campaign", "Old", "text", Data(jpeg), "image/jpeg", "", "", true, "a", 0, true).run()
            try await app.db.sql.raw("UPDATE campaigns SET image_clean = \(bind: false)").run()
            #expect(try await app.get("/campaigns/old-campaign/image").status == .notFound, "not served unclean")
            try await AddEvidenceIntegrity.backfill(cipher: app.site.cipher, on: app.db)
            #expect(try await app.get("/campaigns/old-campaign/image").status == .notFound)
            #expect(!(try await app.get("/campaigns/old-campaign").body.contains("/image")))
            struct Row: Decodable { let image: Data?, imageOriginal: Data, imageSha256: String }
            let row = try #require(
                try await app.db.sql.raw("SELECT image, image_original, image_sha256 FROM campaigns")
                    .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase))
            #expect(row.image == nil && row.imageSha256 == Evidence.sha256(jpeg))
            #expect(
                Array(
                    try app.site.cipher.open(
                        bytes: row.imageOriginal, in: .campaignImageOriginal,
                        row: "old-campaign")) == jpeg, "kept, sealed")
        }
    }
}
