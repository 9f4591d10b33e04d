import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// Writes each kind of message in the subscriber's language: confirmation, "manage your subscription",
/// a publication (the version in their language when one exists), a bulletin.
struct MailComposer: Sendable {
    let cipher: FieldCipher
    /// The site's public address, for links (`OBSERVATORY_PUBLIC_URL`).
    let baseURL: String
    let from: String
    let fromName: String

    func message(
        kind: String, subjectID: String?, for s: Subscriber, now: Date, on db: any Database
    ) async throws -> MailMessage? {
        let language = s.preferences.languages.first ?? .en
        switch kind {
        case "confirm", "manage":
            return Translations.$current.withValue(.of(language)) {
                let link =
                    baseURL
                    + (kind == "confirm"
                    ? SiteRoute.subscriptionConfirm(token: s.token)
                    : SiteRoute.subscriptionPreferences(token: s.token)).path
                let lines =
                    kind == "confirm"
                    ? [t("mail.confirm.text"), link, "", t("mail.confirm.ignore")] : [t("mail.manage.text"), link]
                return envelope(
                    to: s, language: language, subject: t("mail.\(kind).subject"), text: lines.joined(separator: "\n"),
                    html: nil, now: now)
            }
        case "publication":
            guard let id = subjectID, let original = try await PublicationQueries.find(id: id, on: db) else {
                return nil
            }
            let versions = [original.summary] + (try await PublicationQueries.translations(of: original, on: db))
            let chosen = s.preferences.language(among: versions.map(\.lang), original: original.summary.lang)
            let summary = versions.first { $0.lang == chosen } ?? original.summary
            guard
                let detail = summary.id == original.id
                    ? original : try await PublicationQueries.find(id: summary.id, on: db)
            else { return nil }
            return Translations.$current.withValue(.of(chosen)) { publication(detail, to: s, now: now) }
        case "bulletin":
            guard let month = subjectID.flatMap(BulletinMonth.init) else { return nil }
            let published = try await BulletinStore.publishedLanguages(month, on: db)
            guard let fallback = published.first else { return nil }
            let chosen = s.preferences.language(among: published, original: published.contains(.en) ? .en : fallback)
            let bulletin = try await BulletinStore.find(month, language: chosen, on: db)
            return Translations.$current.withValue(.of(chosen)) {
                let title = t("bulletin.title", ["month": month.label])
                let link = baseURL + SiteRoute.bulletin(month: month, language: chosen).path
                let text = [
                    BulletinView.text(bulletin, baseURL: baseURL), "", t("mail.read"),
                    link
                ].joined(separator: "\n")
                let html = BulletinView.document(bulletin, baseURL: baseURL).rendered
                    .replacingOccurrences(of: "</body></html>", with: footerHTML(s).rendered + "</body></html>")
                return envelope(to: s, language: chosen, subject: title, text: text, html: html, now: now)
            }
        default:
            return nil
        }
    }

    func publication(_ p: PublicationDetail, to s: Subscriber, now: Date) -> MailMessage {
        let summary = p.summary, link = baseURL + SiteRoute.publication(id: summary.id).path(in: summary.lang)
        let facts = [
            summary.date?.long ?? summary.publishedOn, summary.reference ?? "",
            summary.countries.map(\.localName).joined(separator: ", ")
        ]
        .filter { !$0.isEmpty }.joined(separator: " | ")
        let text = [summary.displayTitle, facts, "", summary.summary, "", p.body, "", t("mail.read"), link].joined(
            separator: "\n")
        let html: HTML = """
            <!DOCTYPE html><html lang="\(summary.language)" dir="\(summary.lang.isRightToLeft ? "rtl" : "ltr")"><body>
            <h1>\(summary.displayTitle)</h1><p>\(facts)</p>
            \(summary.summary.isEmpty ? .empty : "<p><strong>\(summary.summary)</strong></p>" as HTML)
            \(Markdown.render(p.body))
            <p><a href="\(link)">\(t("mail.read")) \(link)</a></p>
            \(footerHTML(s))</body></html>
            """
        return envelope(
            to: s, language: summary.lang, subject: summary.displayTitle, text: text, html: html.rendered, now: now)
    }

    func footerHTML(_ s: Subscriber) -> HTML {
        let preferences = baseURL + SiteRoute.subscriptionPreferences(token: s.token).path
        let unsubscribe = baseURL + SiteRoute.unsubscribe(token: s.token).path
        return """
            <hr><p><small>\(t("mail.footer")) <a href="\(preferences)">\(t("mail.preferences"))</a> · \
            <a href="\(unsubscribe)">\(t("mail.unsubscribe"))</a></small></p>
            """
    }

    /// Adds the footer (text part), the unsubscribe headers and the envelope.
    func envelope(
        to s: Subscriber, language: Language, subject: String, text: String, html: String?, now: Date
    ) -> MailMessage {
        let preferences = baseURL + SiteRoute.subscriptionPreferences(token: s.token).path
        let footer = [
            "", "--", t("mail.footer"), "\(t("mail.preferences")) \(preferences)",
            "\(t("mail.unsubscribe")) \(baseURL)\(SiteRoute.unsubscribe(token: s.token).path)"
        ]
        .joined(separator: "\n")
        return message(
            to: s.email.reveal(), language: language, subject: subject, text: text + "\n" + footer,
            html: html, unsubscribeURL: "\(baseURL)\(SiteRoute.unsubscribe(token: s.token).path)", now: now)
    }

    /// A message to one person (a subscriber, a partner): every link of both parts absolute, whatever the Markdown
    /// of a body or an introduction holds. The one place a message is made.
    func message(
        to email: String, language: Language, subject: String, text: String, html: String?,
        unsubscribeURL: String?, now: Date
    ) -> MailMessage {
        let host = URL(string: baseURL)?.host ?? "observatory.localhost"
        return AbsoluteLinks.message(
            MailMessage(
                from: from, fromName: fromName, to: email, subject: subject,
                text: text, html: html, unsubscribeURL: unsubscribeURL,
                messageID: "\(UUID().uuidString)@\(host)", date: now,
                language: language.rawValue), base: baseURL)
    }
}
