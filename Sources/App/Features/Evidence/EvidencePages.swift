import Foundation
import ObservatoryCore

/// The office page of one file: what it is, its hash and whether the stored bytes still match it, the copies made
/// from it (or its original), who it is shared with, and its custody history.
enum EvidencePages {
    static let notices = [
        "copy": "A copy without metadata was made; the original is unchanged.",
        "shared": "The file is shared with the partner."
    ]

    static func record(
        _ file: EvidenceFile, in c: CaseFile, integrity: Evidence.Integrity, files: [EvidenceFile],
        custody: [EvidenceManifest.Custody], verifications: [Verification], shared: [String],
        now: Int64, error: String?, notice: String?, viewer: Account, csrf: String
    ) -> HTML {
        let check: HTML =
            integrity.isIntact
            ? """
            <p class="notice" id="integrity">Checked now: the stored bytes match the SHA-256 recorded when the file \
            arrived.</p>
            """
            : """
            <p class="notice error" role="alert" id="integrity">Altered: \(integrity.problem ?? ""). The file is not \
            served; tell an administrator.</p>
            """
        let original: HTML =
            file.derivedFrom.map { id in
                let name = files.first { $0.id == id }.map { $0.filename.reveal() } ?? id
                let link = EvidenceRoute.record(case: c.id, file: id)
                return "<dt>Made from</dt><dd><a href=\"\(link)\">\(name)</a> (\(file.derivation ?? ""))</dd>"
            } ?? .empty
        let copies: [HTML] = files.filter { $0.derivedFrom == file.id }.map {
            let link = EvidenceRoute.record(case: c.id, file: $0.id)
            return "<li><a href=\"\(link)\">\($0.filename.reveal())</a> (\($0.derivation ?? ""))</li>"
        }
        let sharedWith: [HTML] = shared.compactMap { id in
            verifications.first { $0.id == id }.map {
                "<li>\($0.organisationName) (request of \(CasePages.day($0.askedAt)))</li>"
            }
        }
        let open = verifications.filter { $0.isOpen(at: now) && !shared.contains($0.id) }
        let options: [HTML] = open.map {
            "<option value=\"\($0.id)\">\($0.organisationName) (request of \(CasePages.day($0.askedAt)))</option>"
        }
        let rows: [HTML] = custody.map { entry in
            let event = CustodyEvent(rawValue: entry.event)?.label ?? entry.event
            return """
                <tr><td>\(entry.at)</td><td>\(event)</td><td>\(entry.actor)</td><td>\(entry.detail)</td>\
                <td>#\(Int(entry.sequence))</td></tr>
                """
        }
        let canCopy = Mat2Stripper.types.contains(file.contentType) && file.derivedFrom == nil
        return OfficeLayout(title: "File", account: viewer, csrf: csrf).render(
            """
            <p><a href="\(OfficeRoute.caseFile(id: c.id).path)#attachments">Back to the case</a></p>
            <h1>\(file.filename.reveal())</h1>
            \(notice.flatMap { notices[$0] }.map { "<p class=\"notice\" role=\"status\" id=\"notice\">\($0)</p>" as HTML }
            ?? .empty)
            \(error.map { "<p class=\"notice error\" role=\"alert\" id=\"error\">\($0)</p>" } ?? .empty)
            \(check)
            <dl class="facts" id="file-facts">
            <dt>Type</dt><dd>\(file.contentType)</dd>
            <dt>Size</dt><dd>\(t("count.bytes", count: file.size))</dd>
            <dt>Received</dt><dd>\(iso8601(seconds: file.addedAt)) from \(file.addedBy)</dd>
            <dt>SHA-256</dt><dd><code id="sha256">\(file.sha256 ?? "none recorded")</code></dd>
            \(original)
            </dl>
            <p><a href="\(OfficeRoute.caseAttachment(id: c.id, file: file.id).path)">Download</a></p>
            \(copies.isEmpty ? .empty : "<h2>Copies</h2><ul id=\"copies\">\(copies.joined())</ul>" as HTML)
            \(canCopy ? """
            <form method="post" action="\(EvidenceRoute.copies(case: c.id, file: file.id))" class="office-form">\
            \(CSRF.field(csrf))
            <p class="actions"><button type="submit">Make a copy without metadata</button></p></form>
            """ as HTML : .empty)
            <h2>Shared with partners</h2>
            \(sharedWith.isEmpty ? "<p>Not shared.</p>" as HTML : "<ul id=\"shared-with\">\(sharedWith.joined())</ul>")
            \(options.isEmpty ? .empty : """
            <form method="post" action="\(EvidenceRoute.shares(case: c.id, file: file.id))" class="office-form">\
            \(CSRF.field(csrf))
            <p class="field"><label for="verification">Share under a verification request</label>
            <select id="verification" name="verification">\(options.joined())</select></p>
            <p class="actions"><button type="submit">Share</button></p></form>
            """ as HTML)
            <h2>Custody history</h2>
            <table class="office" id="custody"><thead><tr><th>When</th><th>What</th><th>Who</th><th>Detail</th>\
            <th>Audit entry</th></tr></thead><tbody>\(rows.joined())</tbody></table>
            """)
    }
}
