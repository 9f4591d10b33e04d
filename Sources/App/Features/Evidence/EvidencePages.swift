import Foundation
import ObservatoryCore

/// The office page of one file: what it is, its hash and whether the stored bytes still match it, the copies made
/// from it (or its original), who it is shared with, and its custody history.
enum EvidencePages {
    static let notices = ["copy": "evidence.notice.copy", "shared": "evidence.notice.shared"]

    static func record(
        _ file: EvidenceFile, in c: CaseFile, integrity: Evidence.Integrity, files: [EvidenceFile],
        custody: [EvidenceManifest.Custody], verifications: [Verification], shared: [String],
        now: Int64, error: String?, notice: String?, viewer: Account, csrf: String
    ) -> HTML {
        let check: HTML =
            integrity.isIntact
            ? """
            <p class="notice" id="integrity">\(t("evidence.intact"))</p>
            """
            : """
            <p class="notice error" role="alert" id="integrity">\
            \(t("evidence.altered", ["problem": integrity.problem ?? ""]))</p>
            """
        let original: HTML =
            file.derivedFrom.map { id in
                let name = files.first { $0.id == id }.map { $0.filename.reveal() } ?? id
                let link = EvidenceRoute.record(case: c.id, file: id)
                return """
                    <dt>\(t("evidence.made-from"))</dt><dd><a href="\(link)">\(name)</a> (\(file.derivation ?? ""))</dd>
                    """
            } ?? .empty
        let copies: [HTML] = files.filter { $0.derivedFrom == file.id }.map {
            let link = EvidenceRoute.record(case: c.id, file: $0.id)
            return "<li><a href=\"\(link)\">\($0.filename.reveal())</a> (\($0.derivation ?? ""))</li>"
        }
        let sharedWith: [HTML] = shared.compactMap { id in
            verifications.first { $0.id == id }.map {
                "<li>\($0.organisationName) (\(t("evidence.request-of", ["date": CasePages.day($0.askedAt)])))</li>"
            }
        }
        let open = verifications.filter { $0.isOpen(at: now) && !shared.contains($0.id) }
        let options: [HTML] = open.map {
            let request = t("evidence.request-of", ["date": CasePages.day($0.askedAt)])
            return "<option value=\"\($0.id)\">\($0.organisationName) (\(request))</option>"
        }
        let rows: [HTML] = custody.map { entry in
            let event =
                Translations.current.texts["custody.\(entry.event)"]
                ?? CustodyEvent(rawValue: entry.event)?.label ?? entry.event
            return """
                <tr><td>\(entry.at)</td><td>\(event)</td><td>\(entry.actor)</td><td>\(entry.detail)</td>\
                <td>#\(Int(entry.sequence))</td></tr>
                """
        }
        let canCopy = Mat2Stripper.types.contains(file.contentType) && file.derivedFrom == nil
        return OfficeLayout(title: t("evidence.file"), account: viewer, csrf: csrf, translated: true).render(
            """
            <p><a href="\(OfficeRoute.caseFile(id: c.id).path)#attachments">\(t("evidence.back"))</a></p>
            <h1>\(file.filename.reveal())</h1>
            \(notice.flatMap { notices[$0] }.map {
            "<p class=\"notice\" role=\"status\" id=\"notice\">\(t($0))</p>" as HTML }
            ?? .empty)
            \(error.map { "<p class=\"notice error\" role=\"alert\" id=\"error\">\($0)</p>" } ?? .empty)
            \(check)
            <dl class="facts" id="file-facts">
            <dt>\(t("article.type"))</dt><dd>\(file.contentType)</dd>
            <dt>\(t("evidence.size"))</dt><dd>\(t("count.bytes", count: file.size))</dd>
            <dt>\(t("evidence.received"))</dt><dd>\(t("evidence.received-from", ["when": iso8601(seconds: file.addedAt),
                                                                         "who": file.addedBy]))</dd>
            <dt>SHA-256</dt><dd><code id="sha256">\(file.sha256 ?? t("evidence.no-hash"))</code></dd>
            \(original)
            </dl>
            <p><a href="\(OfficeRoute.caseAttachment(id: c.id, file: file.id).path)">\(t("evidence.download"))</a></p>
            \(copies.isEmpty ? .empty : "<h2>\(t("evidence.copies"))</h2><ul id=\"copies\">\(copies.joined())</ul>" as HTML)
            \(canCopy ? """
            <form method="post" action="\(EvidenceRoute.copies(case: c.id, file: file.id))" class="office-form">\
            \(CSRF.field(csrf))
            <p class="actions"><button type="submit">\(t("evidence.make-copy"))</button></p></form>
            """ as HTML : .empty)
            <h2>\(t("evidence.shared-with"))</h2>
            \(sharedWith.isEmpty ? "<p>\(t("evidence.not-shared"))</p>" as HTML
            : "<ul id=\"shared-with\">\(sharedWith.joined())</ul>")
            \(options.isEmpty ? .empty : """
            <form method="post" action="\(EvidenceRoute.shares(case: c.id, file: file.id))" class="office-form">\
            \(CSRF.field(csrf))
            <p class="field"><label for="verification">\(t("evidence.share-under"))</label>
            <select id="verification" name="verification">\(options.joined())</select></p>
            <p class="actions"><button type="submit">\(t("evidence.share"))</button></p></form>
            """ as HTML)
            <h2>\(t("evidence.custody"))</h2>
            <table class="office" id="custody"><thead><tr><th>\(t("mail.when"))</th><th>\(t("evidence.what"))</th>\
            <th>\(t("evidence.who"))</th><th>\(t("evidence.detail"))</th><th>\(t("evidence.audit-entry"))</th></tr></thead>\
            <tbody>\(rows.joined())</tbody></table>
            """)
    }
}
