import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// Public calls for input: `/calls` and `/calls/{id}` with the answer form until the deadline.
struct CallsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        for language in Language.allCases {
            let prefix: [PathComponent] = language == .en ? [] : [PathComponent(stringLiteral: language.rawValue)]
            let reader = routes.reader(language)
            let calls = prefix + SiteRoute.Pattern.calls.map(PathComponent.init)
            let call = prefix + SiteRoute.Pattern.call.map(PathComponent.init)
            reader.get(calls) { req in try await req.localized(language) { try await index(req) } }
            reader.get(call) { req in
                try await req.localized(language) { try await show(req, form: nil, errors: [:], thanks: false) }
            }
            routes.post(call) { req in try await req.localized(language) { try await answer(req) }
            }
        }
    }

    func page(_ html: HTML, _ req: Request, status: HTTPStatus = .ok) -> Response {
        .privatePage(html, for: req, status: status)
    }

    func index(_ req: Request) async throws -> Response {
        let today = req.site.clock.today
        let open = try await CallStore.all(on: req.db).filter { $0.accepts(on: today) }
        let items: [HTML] = open.map { c in
            let deadline = t("call.deadline", ["date": CivilDate(c.deadline)?.long ?? c.deadline])
            let meta: HTML = "<span class=\"meta\">\(deadline)</span>"
            return "<li><a href=\"\(SiteRoute.call(id: c.id).path)\">\(c.title)</a> \(meta)</li>"
        }
        return page(
            Layout(title: t("call.list"), facts: nil).render(
                """
                <h1>\(t("call.list"))</h1>
                \(items.isEmpty ? "<p>\(t("call.none"))</p>" as HTML : "<ul id=\"calls\">\(items.joined())</ul>")
                <p class="meta">\(ListExport.links(csv: ListExport.calls(.csv), json: ListExport.calls(.json)))</p>
                """), req)
    }

    func call(_ req: Request) async throws -> CallForInput {
        guard let call = try await CallStore.find(req.parameters.get("id") ?? "", on: req.db), call.open else {
            throw Abort(.notFound)
        }
        return call
    }

    func show(_ req: Request, form: FormData?, errors: [String: String], thanks: Bool) async throws -> Response {
        let call = try await call(req)
        let accepts = call.accepts(on: req.site.clock.today)
        let csrf = CSRF.token(for: req), f = form ?? FormData(fields: [])
        let formHTML: HTML =
            !accepts
            ? "<p class=\"notice\" id=\"call-closed\">\(t("call.closed"))</p>"
            : thanks
                ? "<p class=\"notice\" role=\"status\" id=\"call-thanks\">\(t("call.thanks"))</p>"
                : """
                <form method="post" action="\(Translations.current.language.pathPrefix)/calls/\(call.id)" \
                class="office-form call-form">\(CSRF.field(csrf))
                \(ReportPages.textarea("answer", t("call.answer"), f.raw("answer"), errors, rows: 12))
                \(ReportPages.field("who", t("call.who"), f["who"], errors, attributes: "maxlength=\"300\""))
                \(ReportPages.field("contact", t("call.contact"), f["contact"], errors, attributes: "maxlength=\"300\" autocomplete=\"off\""))
                \(ReportPages.field("country", t("call.country"), f["country"], errors, attributes: "maxlength=\"100\""))
                <p class="actions"><button type="submit">\(t("call.send"))</button></p></form>
                """
        return page(
            Layout(title: call.title, facts: nil).render(
                """
                <article class="call"><h1>\(call.title)</h1>
                <p class="meta">\(t("call.deadline", ["date": CivilDate(call.deadline)?.long ?? call.deadline]))</p>
                <div class="body">\(Markdown.render(call.text))</div>
                \(formHTML)</article>
                """), req, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    func answer(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let call = try await call(req)
        guard call.accepts(on: req.site.clock.today) else {
            return try await show(req, form: nil, errors: [:], thanks: false)
        }
        guard
            try await PublicFormLimits.allow(
                "call", from: req.clientAddress, limit: 5, windowSeconds: 3600,
                now: req.site.clock.now(), cipher: req.site.cipher, on: req.db)
        else {
            throw Abort(.tooManyRequests, reason: t("report.too-many"))
        }
        let form = req.form
        let text = form.raw("answer").replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(
            in: .whitespacesAndNewlines)
        var errors: [String: String] = [:]
        if text.isEmpty || text.count > 20_000 { errors["answer"] = t("call.error.answer") }
        if form["who"].count > 300 || form["contact"].count > 300 {
            errors["who"] = t("report.error.long", ["max": "300"])
        }
        let country = CountryDirectory.shared.resolve(form["country"])
        if !form["country"].isEmpty && country == nil {
            errors["country"] = t("sub.error.countries", ["names": String(form["country"].prefix(60))])
        }
        guard errors.isEmpty else { return try await show(req, form: form, errors: errors, thanks: false) }
        try await CallStore.answer(
            call, answer: text, who: form["who"], contact: form["contact"], country: country?.code,
            language: Translations.current.language, now: req.site.clock.now(), cipher: req.site.cipher, on: req.db)
        return try await show(req, form: nil, errors: [:], thanks: true)
    }
}
