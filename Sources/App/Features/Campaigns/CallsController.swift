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
            reader.get(prefix + ["calls"]) { req in try await req.localized(language) { try await index(req) } }
            reader.get(prefix + ["calls", ":id"]) { req in
                try await req.localized(language) { try await show(req, form: nil, errors: [:], thanks: false) }
            }
            routes.post(prefix + ["calls", ":id"]) { req in try await req.localized(language) { try await answer(req) }
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
            "<li><a href=\"\(Translations.current.language.pathPrefix)/calls/\(c.id)\">\(c.title)</a> <span class=\"meta\">\(t("call.deadline", ["date": CivilDate(c.deadline)?.long ?? c.deadline]))</span></li>"
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
                <form method="post" action="\(Translations.current.language.pathPrefix)/calls/\(call.id)" class="office-form call-form">\(CSRF.field(csrf))
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

/// Staff open, edit and close calls, read the answers and export them as CSV.
struct CallsOfficeController: Sendable {
    let registry: RouteRegistry
    static let access = Access.roles([.editor, .caseOfficer])

    func boot(_ routes: any RoutesBuilder) {
        routes.declare(.GET, OfficeRoute.calls.pattern, Self.access, registry: registry, use: index)
        routes.declare(.POST, OfficeRoute.calls.pattern, Self.access, registry: registry, maxBody: "1mb", use: save)
        routes.declare(.GET, OfficeRoute.call(id: "").pattern, Self.access, registry: registry, use: show)
        routes.declare(.GET, OfficeRoute.callAnswers(id: "").pattern, Self.access, registry: registry, use: export)
    }

    @Sendable func index(req: Request) async throws -> Response {
        try await CallPages.index(
            try await CallStore.all(on: req.db), error: nil, viewer: try req.account, csrf: CSRF.token(for: req)
        ).encodeResponse(for: req)
    }

    @Sendable func save(req: Request) async throws -> Response {
        let form = req.form, viewer = try req.account, now = req.site.clock.now()
        let id = form["id"], deadline = form["deadline"]
        if form["action"] == "approve" { return try await approve(req, id: id) }
        guard id.count >= 3, id.count <= 60,
            id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }),
            !form["title"].isEmpty, form["title"].count <= 300, CivilDate(deadline) != nil
        else {
            return try await CallPages.index(
                try await CallStore.all(on: req.db),
                error: "Give an address (3–60 lower-case letters, digits or -), a title and a deadline (YYYY-MM-DD).",
                viewer: viewer, csrf: CSRF.token(for: req)
            ).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let title = form["title"], text = form.raw("text").replacingOccurrences(of: "\r\n", with: "\n")
        let refused = try await CallFourEyes.save(
            id: id, title: title, text: text, deadline: deadline,
            open: form["open"] == "yes", by: viewer.email, now: now, cipher: req.site.cipher, on: req.db)
        if let refused {
            return try await CallPages.index(
                try await CallStore.all(on: req.db), error: refused, viewer: viewer,
                csrf: CSRF.token(for: req)
            ).encodeResponse(status: .unprocessableEntity, for: req)
        }
        req.site.contentWatcher.invalidate()
        return req.redirect(within: OfficeRoute.call(id: id).path)
    }

    func target(_ req: Request) async throws -> CallForInput {
        guard let call = try await CallStore.find(req.parameters.get("id") ?? "", on: req.db) else {
            throw Abort(.notFound, reason: "There is no such call for input.")
        }
        return call
    }

    @Sendable func show(req: Request) async throws -> Response {
        let call = try await target(req), viewer = try req.account
        try await AuditLog.record(
            AuditEvent(actor: viewer.email, action: "call.answers.view", recordType: "call", recordID: call.id),
            now: req.site.clock.now(), on: req.db)
        let answers = try await CallStore.answers(call.id, cipher: req.site.cipher, on: req.db)
        let approval = try await CallFourEyes.state(call, on: req.db)
        return try await CallPages.show(
            call, answers: answers, viewer: viewer, csrf: CSRF.token(for: req),
            approval: approval
        ).encodeResponse(for: req)
    }

    @Sendable func export(req: Request) async throws -> Response {
        let call = try await target(req), viewer = try req.account
        try await AuditLog.record(
            AuditEvent(actor: viewer.email, action: "call.answers.export", recordType: "call", recordID: call.id),
            now: req.site.clock.now(), on: req.db)
        let response = Response(
            status: .ok,
            body: .init(
                string: CallStore.csv(try await CallStore.answers(call.id, cipher: req.site.cipher, on: req.db))))
        response.headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        response.headers.replaceOrAdd(
            name: .contentDisposition, value: "attachment; filename=\"\(call.id)-answers.csv\"")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}

enum CallPages {
    static func form(_ c: CallForInput?) -> HTML {
        """
        \(FormView.field("id", label: "Address (/calls/…)", value: c?.id ?? "", attributes: c == nil ? "" : "readonly"))
        \(FormView.field("title", label: "Title", value: c?.title ?? ""))
        \(FormView.field("deadline", label: "Last day for answers", value: c?.deadline ?? "", type: "date"))
        \(EditorialPages.textarea("text", label: "Text (Markdown)", value: c?.text ?? "", rows: 8, error: nil))
        <p class="field"><label><input type="checkbox" name="open" value="yes"\(HTML(trusted: c?.open == true ? " checked" : ""))> On the public site</label></p>
        """
    }

    static func index(_ calls: [CallForInput], error: String?, viewer: Account, csrf: String) -> HTML {
        let rows: [HTML] = calls.map {
            "<li><a href=\"\(OfficeRoute.call(id: $0.id).path)\">\($0.title)</a> — until \($0.deadline)\($0.open ? "" : " (not public)")</li>"
        }
        return OfficeLayout(title: "Calls for input", account: viewer, csrf: csrf).render(
            """
            <h1>Calls for input</h1>
            \(error.map { "<p class=\"notice error\" role=\"alert\">\($0)</p>" } ?? .empty)
            <ul id="office-calls">\(rows.joined())</ul>
            <h2>New call for input</h2>
            <form method="post" action="\(OfficeRoute.calls.path)" class="office-form">\(CSRF.field(csrf))\(form(nil))
            <p class="actions"><button type="submit">Save</button></p></form>
            """)
    }

    static func show(
        _ c: CallForInput, answers: [CallAnswer], viewer: Account, csrf: String,
        approval: CallFourEyes.State? = nil
    ) -> HTML {
        let items: [HTML] = answers.map { a in
            "<li><p class=\"meta\">\(iso8601(seconds: a.createdAt)) · \(a.language)\(a.country.map { " · \($0)" } ?? "") · \(a.who.reveal()) · \(a.contact.reveal())</p><p class=\"message\">\(a.answer.reveal())</p></li>"
        }
        return OfficeLayout(title: c.title, account: viewer, csrf: csrf).render(
            """
            <p><a href="\(OfficeRoute.calls.path)">Calls for input</a></p>
            <h1>\(c.title)</h1>
            <form method="post" action="\(OfficeRoute.calls.path)" class="office-form">\(CSRF.field(csrf))\(form(c))
            <p class="actions"><button type="submit">Save</button></p></form>
            \(approval.map { CallFourEyes.section(c, state: $0, viewer: viewer, csrf: csrf) } ?? .empty)
            <h2>Answers (\(String(answers.count))), confidential</h2>
            <p><a href="\(OfficeRoute.callAnswers(id: c.id).path)">Export as CSV</a></p>
            <ol class="messages" id="call-answers">\(items.joined())</ol>
            """)
    }
}
