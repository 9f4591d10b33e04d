import Foundation
import ObservatoryCore

/// The administrators' periods page and the case officers' due records. A due record is shown by its kind, its id,
/// its last activity and its expiry only (a case links to its file): never a value of the record.
enum RetentionPages {
    static func policies(
        _ policy: RetentionPolicy, proposals: [RetainedKind: RetentionStore.Proposal] = [:],
        void: Set<RetainedKind> = [], viewer: Account,
        error: String?, notice: String?, csrf: String
    ) -> HTML {
        let waiting: [HTML] = RetainedKind.allCases.compactMap { kind in
            guard let proposal = proposals[kind] else { return nil }
            let own = proposal.proposedBy.lowercased() == viewer.email.lowercased()
            let confirm: HTML =
                void.contains(kind)
                ? "<p class=\"hint\">\(t("retention.periods.void"))</p>"
                : own
                    ? .empty
                    : """
                    <form method="post" action="\(RetentionRoute.confirm.path)">\(CSRF.field(csrf))\
                    <input type="hidden" name="kind" value="\(kind.rawValue)">\
                    <input type="hidden" name="days" value="\(String(proposal.days))">\
                    <input type="hidden" name="proposed" value="\(String(proposal.proposedAt))">\
                    <button type="submit">\(t("retention.periods.confirm"))</button></form>
                    """
            return """
                <li>\(t("retention.periods.proposal", [
                    "kind": t("retention.kind.\(kind.rawValue)"), "from": t("count.days", count: policy.period(kind)),
                    "to": t("count.days", count: proposal.days), "by": proposal.proposedBy,
                ]))\(confirm)<form method="post" action="\(RetentionRoute.withdraw.path)">\(CSRF.field(csrf))\
                <input type="hidden" name="kind" value="\(kind.rawValue)">\
                <button type="submit">\(t("retention.periods.withdraw"))</button></form></li>
                """
        }
        let proposed: HTML =
            waiting.isEmpty
            ? .empty
            : """
            <section id="retention-proposals" role="alert"><h2>\(t("retention.periods.proposals"))</h2>\
            <ul>\(waiting)</ul></section>
            """
        let rows: [HTML] = RetainedKind.allCases.map { kind in
            """
            <p class="field"><label for="\(kind.rawValue)">\(t("retention.kind.\(kind.rawValue)"))</label>
            <input id="\(kind.rawValue)" name="\(kind.rawValue)" type="number" min="\(RetainedKind.minimumDays)" \
            max="\(RetainedKind.maximumDays)" value="\(policy.period(kind))" aria-describedby="\(kind.rawValue)-hint">
            <small id="\(kind.rawValue)-hint">\(t("retention.periods.default", [
                "days": t("count.days", count: kind.defaultDays),
            ]))\(kind.decided ? "" : " " + t("retention.periods.purged"))\(pending(policy, kind))</small></p>
            """
        }
        return OfficeLayout(title: t("retention.periods.title"), account: viewer, csrf: csrf, translated: true)
            .render(
                """
                <h1>\(t("retention.periods.title"))</h1>
                \(notice.map { "<p class=\"notice\" role=\"status\" id=\"notice\">\($0)</p>" } ?? .empty)
                \(error.map { "<p class=\"error\" role=\"alert\" id=\"retention-error\">\($0)</p>" } ?? .empty)
                \(proposed)
                <p>\(t("retention.periods.intro"))</p>
                <form method="post" action="\(RetentionRoute.policies.path)" class="office-form" id="retention-periods">\
                \(CSRF.field(csrf))
                \(rows)
                <p><button type="submit">\(t("retention.periods.save"))</button></p></form>
                """)
    }

    /// A shortened period not yet in force: from when records may expire under it.
    static func pending(_ policy: RetentionPolicy, _ kind: RetainedKind) -> String {
        guard kind.decided, let waiting = policy.pending[kind] else { return "" }
        return " " + t("retention.periods.pending", ["date": Translations.current.day(seconds: waiting.from)])
    }

    /// The fixed reasons (the audit trail keeps only the chosen one) and the optional sealed note.
    static func reasonFields(note: Bool) -> HTML {
        let options: [HTML] = RetentionReason.allCases.map {
            "<option value=\"\($0.rawValue)\">\(t("retention.why.\($0.rawValue)"))</option>"
        }
        let noteField: HTML =
            note
            ? """
             <label>\(t("retention.note")) <input name="note" maxlength="\(RetentionReason.maximumNote)"></label>
            """ : .empty
        return """
            <label>\(t("retention.reason")) <select name="reason" required>\(options.joined())</select></label>\
            \(noteField)
            """
    }

    static func due(
        _ records: [RetentionStore.Due], now: Date, viewer: Account, error: String?, notice: String?,
        csrf: String
    ) -> HTML {
        let words = Translations.current
        let tomorrow = CivilDate(daysSinceEpoch: Int(now.seconds / 86_400) + 1).description
        let rows: [HTML] = records.map { due in
            let name: HTML
            if let caseID = due.caseID {
                name = "<a href=\"\(OfficeRoute.caseFile(id: caseID).path)\">\(caseID)</a>"
            } else {
                name = "<span dir=\"ltr\">\(due.id)</span>"
            }
            let state = due.expiresAt <= now.seconds ? t("retention.due.expired") : t("retention.due.soon")
            let hidden: HTML = """
                \(CSRF.field(csrf))<input type="hidden" name="kind" value="\(due.kind.rawValue)">\
                <input type="hidden" name="id" value="\(due.id)">
                """
            let anonymise: HTML =
                due.kind.anonymisable
                ? """
                <form method="post" action="\(RetentionRoute.decide.path)" class="inline">\(hidden)\
                <input type="hidden" name="decision" value="anonymise">\
                \(reasonFields(note: false)) \
                <button type="submit">\(t("retention.anonymise"))</button></form>
                """ : .empty
            return """
                <tr id="due-\(due.kind.rawValue)-\(due.id)"><td>\(t("retention.kind.\(due.kind.rawValue)"))</td>\
                <td>\(name)</td><td>\(words.day(seconds: due.lastActivity))</td>\
                <td>\(words.day(seconds: due.expiresAt))\(due.extended ? " " + t("retention.due.extended") : "")</td>\
                <td>\(state)</td><td>
                <form method="post" action="\(RetentionRoute.decide.path)" class="inline">\(hidden)\
                <input type="hidden" name="decision" value="extend">\
                \(reasonFields(note: true)) \
                <label>\(t("retention.until")) <input name="until" type="date" min="\(tomorrow)" required></label> \
                <button type="submit">\(t("retention.extend"))</button></form>
                \(anonymise)
                <form method="post" action="\(RetentionRoute.decide.path)" class="inline">\(hidden)\
                <input type="hidden" name="decision" value="delete">\
                \(reasonFields(note: false)) \
                <button type="submit">\(t("retention.delete"))</button></form></td></tr>
                """
        }
        let table: HTML =
            records.isEmpty
            ? "<p id=\"retention-none\">\(t("retention.due.none"))</p>"
            : """
            <table class="office" id="retention-due"><thead><tr><th>\(t("retention.col.kind"))</th>\
            <th>\(t("retention.col.record"))</th><th>\(t("retention.col.last-activity"))</th>\
            <th>\(t("retention.col.expires"))</th><th>\(t("retention.col.state"))</th><th></th></tr></thead>
            <tbody>\(rows.joined(separator: "\n"))</tbody></table>
            """
        return OfficeLayout(title: t("retention.due.title"), account: viewer, csrf: csrf, translated: true).render(
            """
            <h1>\(t("retention.due.title"))</h1>
            \(notice.map { "<p class=\"notice\" role=\"status\" id=\"notice\">\($0)</p>" } ?? .empty)
            \(error.map { "<p class=\"error\" role=\"alert\" id=\"retention-error\">\($0)</p>" } ?? .empty)
            <p>\(t("retention.due.intro"))</p>
            <p><a href="\(RetentionRoute.policies.path)">\(t("retention.periods.title"))</a></p>
            \(table)
            """)
    }
}
