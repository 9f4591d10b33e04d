import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// The addresses of a file as evidence (kept out of `OfficeRoute`, which every branch edits).
enum EvidenceRoute {
    static let record = ["office", "cases", ":id", "attachments", ":file", "record"]
    static let copies = ["office", "cases", ":id", "attachments", ":file", "copies"]
    static let shares = ["office", "cases", ":id", "attachments", ":file", "shares"]
    static let partnerFile = ["partner", "verifications", ":id", "files", ":file"]

    static func record(case caseID: String, file: String) -> String {
        "/office/cases/\(SiteRoute.escapeSegment(caseID))/attachments/\(SiteRoute.escapeSegment(file))/record"
    }
    static func copies(case caseID: String, file: String) -> String {
        record(case: caseID, file: file)
            .replacingOccurrences(of: "/record", with: "/copies")
    }
    static func shares(case caseID: String, file: String) -> String {
        record(case: caseID, file: file)
            .replacingOccurrences(of: "/record", with: "/shares")
    }
    static func partnerFile(request: String, file: String) -> String {
        "/partner/verifications/\(SiteRoute.escapeSegment(request))/files/\(SiteRoute.escapeSegment(file))"
    }
}

/// A file's page in the case (hash, check of the stored bytes, copies, shares, custody history), making a copy
/// without metadata, sharing with a partner, and the partner's download of what was shared with them.
struct EvidenceController: Sendable {
    let registry: RouteRegistry
    static let access = CaseController.access

    func boot(_ routes: any RoutesBuilder) {
        routes.declare(.GET, EvidenceRoute.record, Self.access, registry: registry, use: record)
        routes.declare(.POST, EvidenceRoute.copies, Self.access, registry: registry, use: copy)
        routes.declare(.POST, EvidenceRoute.shares, Self.access, registry: registry, use: share)
        routes.declare(
            .GET, EvidenceRoute.partnerFile, VerificationController.access, registry: registry,
            use: partnerDownload)
    }

    /// The case's file named in the address, or 404 (the same for a file of another case and one that never was).
    static func target(_ req: Request) async throws -> (CaseFile, EvidenceFile) {
        let file = try await CaseController.target(req), fileID = req.parameters.get("file") ?? ""
        guard
            let found = try await EvidenceStore.find(
                fileID, case: file.id, cipher: req.site.cipher,
                on: req.db)
        else {
            throw Abort(.notFound, reason: "There is no such attachment.")
        }
        return (file, found)
    }

    @Sendable func record(req: Request) async throws -> Response {
        try await page(req, error: nil, status: .ok)
    }

    func page(_ req: Request, error: String?, status: HTTPStatus) async throws -> Response {
        let (caseFile, file) = try await Self.target(req), cipher = req.site.cipher
        let (_, integrity) = try await EvidenceStore.contents(file, cipher: cipher, on: req.db)
        let all = try await EvidenceStore.files(case: caseFile.id, cipher: cipher, on: req.db)
        let custody = try await EvidenceStore.custody(file, on: req.db)
        let verifications = try await VerificationStore.forCase(caseFile.id, cipher: cipher, on: req.db)
        let shared = try await EvidenceStore.shares(case: caseFile.id, on: req.db)[file.id] ?? []
        let viewer = try req.account
        try await AuditLog.record(
            AuditEvent(
                actor: viewer.email, action: "case.view", recordType: "case",
                recordID: caseFile.id, detail: "file \(file.id)"),
            now: req.site.clock.now(), on: req.db)
        let html = EvidencePages.record(
            file, in: caseFile, integrity: integrity, files: all, custody: custody,
            verifications: verifications, shared: shared,
            now: req.site.clock.now().seconds, error: error,
            notice: req.query[String.self, at: "notice"], viewer: viewer,
            csrf: CSRF.token(for: req))
        return try await html.encodeResponse(status: status, for: req)
    }

    /// Makes a copy without metadata (mat2): a new file naming its original; the original is not touched.
    @Sendable func copy(req: Request) async throws -> Response {
        let (caseFile, file) = try await Self.target(req), cipher = req.site.cipher
        let (bytes, integrity) = try await EvidenceStore.contents(file, cipher: cipher, on: req.db)
        if let problem = integrity.problem {
            return try await page(req, error: "No copy was made: \(problem).", status: .conflict)
        }
        let cleaned: [UInt8]
        do {
            cleaned = try await req.application.metadataStripper.strip(bytes, contentType: file.contentType)
        } catch let failure as MetadataStripFailure {
            return try await page(
                req, error: "No copy was made: \(failure.description).",
                status: .unprocessableEntity)
        }
        let name = file.filename.reveal()
        let dot = name.lastIndex(of: ".")
        let copyName = dot.map { name[..<$0] + "-without-metadata" + name[$0...] } ?? name + "-without-metadata"
        let upload = Upload(filename: String(copyName.prefix(200)), contentType: file.contentType, data: cleaned)
        let actor = try req.account.email, now = req.site.clock.now()
        let id = try await req.db.write { tx in
            let id = try await EvidenceStore.insert(
                upload, by: actor, to: caseFile.id,
                derivedFrom: (file.id, "metadata removed (mat2)"),
                now: now, cipher: cipher, on: tx)
            try await Timeline.add(
                "Copy without metadata made of a file", actor: actor, case: caseFile.id, now: now,
                on: tx)
            return id
        }
        return req.redirect(within: EvidenceRoute.record(case: caseFile.id, file: id) + "?notice=copy")
    }

    /// Shares the file under one of the case's verification requests that is still open.
    @Sendable func share(req: Request) async throws -> Response {
        let (caseFile, file) = try await Self.target(req), cipher = req.site.cipher
        let chosen = req.form["verification"], now = req.site.clock.now()
        let verifications = try await VerificationStore.forCase(caseFile.id, cipher: cipher, on: req.db)
        guard let verification = verifications.first(where: { $0.id == chosen }) else {
            return try await page(
                req, error: "Choose one of this case's verification requests.",
                status: .unprocessableEntity)
        }
        guard verification.isOpen(at: now.seconds) else {
            return try await page(
                req, error: "The partner's access to that request has ended: nothing was shared.",
                status: .unprocessableEntity)
        }
        let actor = try req.account.email
        let shared = try await req.db.write { tx in
            try await EvidenceStore.share(file, verification: verification, by: actor, now: now, on: tx)
        }
        guard shared else { throw Abort(.notFound, reason: "There is no such verification request on this case.") }
        return req.redirect(within: EvidenceRoute.record(case: caseFile.id, file: file.id) + "?notice=shared")
    }

    /// A partner downloads a file shared with them under a request addressed to their organisation, while their
    /// access lasts; anything else is "not found" (or "access ended"), whatever ids are tried.
    @Sendable func partnerDownload(req: Request) async throws -> Response {
        let request = try await VerificationController(registry: registry).target(req), cipher = req.site.cipher
        let fileID = req.parameters.get("file") ?? ""
        guard try await EvidenceStore.shared(with: request.id, on: req.db).contains(fileID),
            let file = try await EvidenceStore.find(fileID, case: request.caseID, cipher: cipher, on: req.db)
        else {
            throw Abort(.notFound, reason: t("partner.error.no-file"))
        }
        let (bytes, integrity) = try await EvidenceStore.contents(file, cipher: cipher, on: req.db)
        guard integrity.isIntact else { throw Abort(.conflict, reason: t("partner.error.file-altered")) }
        let actor = try req.account.email, now = req.site.clock.now()
        try await req.db.write { tx in
            try await AuditLog.record(
                AuditEvent(
                    actor: actor, action: CustodyEvent.partnerViewed.rawValue,
                    recordType: "attachment", recordID: file.id,
                    detail: "verification \(request.id)"), now: now, on: tx)
        }
        return Self.download(bytes, name: file.filename.reveal(), contentType: file.contentType)
    }

    /// Always a download, never rendered by the browser, never cached.
    static func download(_ bytes: [UInt8], name: String, contentType: String) -> Response {
        let response = Response(status: .ok, body: .init(data: Data(bytes)))
        response.headers.replaceOrAdd(name: .contentType, value: contentType)
        let safeName = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || ".-_".contains($0)) ? $0 : "_" })
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(safeName)\"")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
