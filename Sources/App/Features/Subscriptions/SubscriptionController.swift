import Fluent
import ObservatoryCore
import Vapor

/// `/subscribe` and the links of every message: confirm, change preferences, unsubscribe (one click, RFC 8058).
/// The secret token in a link is what identifies the subscriber; their address is never shown.
struct SubscriptionController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        for language in Language.allCases {
            let prefix: [PathComponent] = language == .en ? [] : [PathComponent(stringLiteral: language.rawValue)]
            routes.reader(language).get(prefix + ["subscribe"]) { req in
                try await req.localized(language) { try await form(req) }
            }
            routes.post(prefix + ["subscribe"]) { req in try await req.localized(language) { try await subscribe(req) }
            }
        }
        let confirmPath = SiteRoute.Pattern.subscriptionConfirm.map(PathComponent.init(stringLiteral:))
        let preferencesPath = SiteRoute.Pattern.subscriptionPreferences.map(PathComponent.init(stringLiteral:))
        let unsubscribePath = SiteRoute.Pattern.unsubscribe.map(PathComponent.init(stringLiteral:))
        routes.get(confirmPath) { req in
            try await withSubscriber(req) { s in
                let action = SiteRoute.subscriptionConfirm(token: s.token).path
                return page(
                    SubscriptionPages.button(
                        t("sub.confirm-title"), action: action, label: t("sub.confirm-button"),
                        csrf: nil), req)
            }
        }
        routes.post(confirmPath) { req in
            try await withSubscriber(req) { s in
                if s.status != .active {
                    try await SubscriberStore.setStatus(s.id, .active, now: req.site.clock.now(), on: req.db)
                }
                return page(SubscriptionPages.message(t("sub.confirm-title"), t("sub.confirmed")), req)
            }
        }
        routes.get(preferencesPath) { req in
            try await withSubscriber(req) { s in
                page(
                    SubscriptionPages.form(
                        SubscriptionForm(s.preferences), errors: [:], token: s.token, notice: nil,
                        csrf: CSRF.token(for: req)), req)
            }
        }
        routes.post(preferencesPath) { req in try await withSubscriber(req) { s in try await preferences(req, s) } }
        routes.get(unsubscribePath) { req in
            try await withSubscriber(req) { s in
                let action = SiteRoute.unsubscribe(token: s.token).path
                return page(
                    SubscriptionPages.button(
                        t("sub.unsubscribe-title"), action: action,
                        label: t("sub.unsubscribe-button"), csrf: nil), req)
            }
        }
        // One click from the mail client (`List-Unsubscribe=One-Click`) or the button: the token is the proof.
        routes.post(unsubscribePath) { req in
            try await withSubscriber(req) { s in
                try await SubscriberStore.setStatus(s.id, .unsubscribed, now: req.site.clock.now(), on: req.db)
                return page(SubscriptionPages.message(t("sub.unsubscribe-title"), t("sub.unsubscribed")), req)
            }
        }
    }

    func page(_ html: HTML, _ req: Request, status: HTTPStatus = .ok) -> Response {
        let response = Response.privatePage(html, for: req, status: status)
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")  // the token is in the address
        return response
    }

    /// Runs `body` in the subscriber's language, or answers 404 for an unknown token.
    func withSubscriber(_ req: Request, _ body: (Subscriber) async throws -> Response) async throws -> Response {
        guard
            let subscriber = try await SubscriberStore.find(
                token: req.parameters.get("token") ?? "", cipher: req.site.cipher, on: req.db)
        else {
            return page(SubscriptionPages.message(t("sub.title"), t("sub.unknown")), req, status: .notFound)
        }
        return try await Translations.$current.withValue(.of(subscriber.preferences.languages.first ?? .en)) {
            try await body(subscriber)
        }
    }

    func form(_ req: Request) async throws -> Response {
        page(
            SubscriptionPages.form(
                SubscriptionForm(language: Translations.current.language), errors: [:], token: nil, notice: nil,
                csrf: CSRF.token(for: req)), req)
    }

    func subscribe(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        guard
            try await PublicFormLimits.allow(
                "subscribe", from: req.clientAddress, limit: 10, windowSeconds: 3600,
                now: req.site.clock.now(), cipher: req.site.cipher, on: req.db)
        else {
            throw Abort(.tooManyRequests, reason: t("report.too-many"))
        }
        let form = SubscriptionForm(form: req.form)
        switch form.validate(needsEmail: true) {
        case .failure(let invalid):
            return page(
                SubscriptionPages.form(
                    form, errors: invalid.errors, token: nil, notice: nil, csrf: CSRF.token(for: req)), req,
                status: .unprocessableEntity)
        case .success(let preferences):
            let now = req.site.clock.now()
            let (subscriber, kind) = try await SubscriberStore.request(
                email: form.email, preferences: preferences, now: now, cipher: req.site.cipher, on: req.db)
            try await MailQueue.addAccountMessage(kind, for: subscriber, now: now, on: req.db)
            // The same answer whether the address was new or known: the page reveals nothing about who subscribes.
            return page(SubscriptionPages.message(t("sub.check"), t("sub.check-text")), req)
        }
    }

    func preferences(_ req: Request, _ s: Subscriber) async throws -> Response {
        try CSRF.verify(req)
        let form = SubscriptionForm(form: req.form)
        switch form.validate(needsEmail: false) {
        case .failure(let invalid):
            return page(
                SubscriptionPages.form(
                    form, errors: invalid.errors, token: s.token, notice: nil, csrf: CSRF.token(for: req)), req,
                status: .unprocessableEntity)
        case .success(let preferences):
            // Saving preferences from a message's link also confirms the address.
            try await SubscriberStore.save(
                s.id, preferences: preferences,
                status: s.status == .pending || s.status == .unsubscribed ? .active : nil,
                now: req.site.clock.now(), on: req.db)
            return Translations.$current.withValue(.of(preferences.languages.first ?? .en)) {
                page(
                    SubscriptionPages.form(
                        form, errors: [:], token: s.token, notice: t("sub.saved"), csrf: CSRF.token(for: req)), req)
            }
        }
    }
}
