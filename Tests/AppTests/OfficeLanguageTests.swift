import Fluent
import Foundation
import NIOConcurrencyHelpers
import ObservatoryCore
import PropertyBased
import SQLKit
import Testing
import Vapor

@testable import App

/// Office and partner pages in the account's language, kept with the account; partners' e-mails in theirs.
@Suite struct OfficeLanguageTests {
    struct Entry: Decodable { let actor: String, action: String, recordId: String?, detail: String? }

    static func languageEntries(_ app: Application) async throws -> [Entry] {
        try await app.db.sql.raw(
            """
            SELECT actor, action, record_id, detail FROM audit_log
            WHERE action IN ('account.language', 'user.language') ORDER BY sequence
            """
        ).all(decoding: Entry.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    static func storedLanguage(_ email: String, _ app: Application) async throws -> String? {
        try await AccountStore.find(email: email, on: app.db)?.language?.rawValue
    }

    static func openCase(
        _ team: CaseTeam, shared: String,
        known: Set<String> = []
    ) async throws -> (casePath: String, requestID: String) {
        try await team.drafter.get("/office/cases/new")
        let opened = try await team.drafter.post(
            "/office/cases/new",
            [
                ("label", "L"), ("country", "MX"),
                (
                    "risk",
                    "low"
                ),
                ("kind", "defender")
            ])
        let casePath = try #require(opened.location)
        try await team.drafter.get(casePath)
        try await team.drafter.post(
            "\(casePath)/verifications",
            [
                ("organisation", "org-1"), ("shared", shared),
                ("days", "14")
            ])
        let list = try await team.partner.get("/partner/verifications")
        let regex = try NSRegularExpression(pattern: "/partner/verifications/(verification-[a-z0-9]{12})")
        let ids = regex.matches(in: list.body, range: NSRange(list.body.startIndex..., in: list.body))
            .compactMap { Range($0.range(at: 1), in: list.body).map { String(list.body[$0]) } }
        let id = try #require(ids.first { !known.contains($0) })
        return (casePath, id)
    }

    @Test(arguments: Engine.all)
    func aFrenchPartnerReadsAndAnswersARequestInFrench(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let team = try await CaseTeam.make(app)
            #expect(try await Self.storedLanguage("partner@example.org", app) == "en", "no Accept-Language: English")
            let account = try await team.partner.get("/account")
            #expect(
                account.body.contains("id=\"language-form\"")
                    && account.body.contains("<option value=\"fr\" lang=\"fr\">Français"))
            let saved = try await team.partner.post("/account/language", [("language", "fr")])
            #expect(saved.status == .seeOther && saved.location == "/account?notice=language")
            let after = try await team.partner.get("/account?notice=language")
            #expect(
                after.body.contains("<html lang=\"fr\" dir=\"ltr\">")
                    && after.body.contains("Votre langue est enregistrée."))
            #expect(after.body.contains("<h1>Votre compte</h1>") && after.body.contains("Se déconnecter partout"))
            #expect(after.body.contains("<option value=\"fr\" lang=\"fr\" selected>"))

            let shared = "Une défenseuse à Oaxaca a reçu des menaces de mort le 18 novembre. Pouvez-vous confirmer ?"
            let (casePath, requestID) = try await Self.openCase(team, shared: shared)
            let list = try await team.partner.get("/partner/verifications")
            #expect(list.body.contains("<h1>Demandes de vérification</h1>"))
            #expect(list.body.contains("Demande du ") && list.body.contains("En attente de votre réponse"))
            #expect(list.body.contains("jusqu’au ") && list.body.contains("Se déconnecter"))
            #expect(!list.body.contains("Waiting for your answer") && !list.body.contains(">Sign out<"))
            #expect(!list.body.contains("<main id=\"main\" lang=\"en\""), "a translated page is not marked English")

            let request = try await team.partner.get("/partner/verifications/\(requestID)")
            #expect(request.body.contains("Demande de vérification du ") && request.body.contains(shared))
            #expect(request.body.contains("Ce que l’Observatoire vous a communiqué"))
            #expect(request.body.contains("Plus d’informations nécessaires") && request.body.contains("Non confirmé"))
            #expect(request.body.contains("Note pour l’Observatoire") && request.body.contains("Envoyer la réponse"))

            let none = try await team.partner.post("/partner/verifications/\(requestID)", [("note", "Rien")])
            #expect(none.status == .unprocessableEntity && none.body.contains("Choisissez une réponse."))
            let long = try await team.partner.post(
                "/partner/verifications/\(requestID)",
                [
                    ("answer", "confirmed"),
                    (
                        "note",
                        String(
                            repeating: "x",
                            count: 20_001)
                    )
                ])
            #expect(
                long.status == .unprocessableEntity
                    && long.body.contains("La note est limitée à 20\u{202F}000 caractères."))
            let answered = try await team.partner.post(
                "/partner/verifications/\(requestID)",
                [("answer", "confirmed"), ("note", "Notre avocate confirme.")])
            let confirmation = try await team.partner.get(try #require(answered.location))
            #expect(confirmation.body.contains("Merci : votre réponse a été transmise à l’Observatoire."))
            #expect(confirmation.body.contains("Votre réponse : Confirmé"))

            let missing = try await team.partner.get("/partner/verifications/verification-000000000000")
            #expect(missing.status == .notFound && missing.body.contains("<html lang=\"fr\""))
            #expect(
                missing.body.contains(
                    "Il n’existe pas de demande « verification-000000000000 » "
                        + "pour votre organisation."))

            // The case officer reads the answer in English, as the timeline stores it; the other partner reads English.
            let file = try await team.drafter.get(casePath)
            #expect(file.body.contains(">Confirmed<") && file.body.contains("Notre avocate confirme."))
            let english = try await team.otherPartner.get("/partner/verifications")
            #expect(english.body.contains("<h1>Verification requests</h1>"))

            let entries = try await Self.languageEntries(app).filter { $0.actor == "partner@example.org" }
            #expect(entries.map(\.detail) == ["none → en (from the browser at first sign-in)", "en → fr"])
        }
    }

    /// Signs in sending `Accept-Language`, as a browser set to that language does.
    static func signIn(
        _ browser: TestBrowser, _ email: String, secret: String?, acceptLanguage: String,
        clock: any SiteClock = testClock
    ) async throws {
        var headers = HTTPHeaders()
        headers.add(name: .acceptLanguage, value: acceptLanguage)
        try await browser.send(.GET, "/login", buffer: nil, headers: headers)
        let page = try await browser.post(
            "/login", [("email", email), ("password", TestAccounts.password)],
            headers: headers)
        if let secret, let location = page.location, location.hasPrefix("/login/code") {
            try await browser.send(.GET, location, buffer: nil, headers: headers)
            let code = TOTP(secret: Base32.decode(secret)!).code(at: clock.now())
            let done = try await browser.post(location, [("code", code)], headers: headers)
            #expect(done.location == "/office")
        }
    }

    @Test(arguments: Engine.all)
    func anArabicCaseOfficerGetsRightToLeftPagesAndArabicNavigation(_ engine: Engine) async throws {
        let clock = MutableClock()
        try await withApp(engine, clock: clock) { app in
            let (_, secret) = try await TestAccounts.create(
                "amal@example.org", [.caseOfficer], secondFactor: true,
                in: app)
            let browser = TestBrowser(app)
            var arabic = HTTPHeaders()
            arabic.add(name: .acceptLanguage, value: "ar-EG, ar;q=0.9, en;q=0.5")
            let login = try await browser.send(.GET, "/login", buffer: nil, headers: arabic)
            #expect(
                login.body.contains("<html lang=\"ar\" dir=\"rtl\">")
                    && login.body.contains("<h1>تسجيل الدخول</h1>"))
            try await Self.signIn(
                browser, "amal@example.org", secret: secret,
                acceptLanguage: "ar-EG, ar;q=0.9, en;q=0.5",
                clock: clock)
            #expect(try await Self.storedLanguage("amal@example.org", app) == "ar")

            let office = try await browser.get("/office")
            #expect(office.body.contains("<html lang=\"ar\" dir=\"rtl\">"))
            #expect(office.body.contains("<nav aria-label=\"المكتب\">") && office.body.contains(">الحالات</a>"))
            #expect(office.body.contains(">البعثات</a>") && office.body.contains(">تسجيل الخروج</button>"))
            #expect(office.body.contains("<h1>مرحباً</h1>") && office.body.contains("مسؤول الحالات"))
            #expect(!office.body.contains(">Cases</a>") && !office.body.contains(">Sign out<"))

            // The cases list is in Arabic, and so is the authorities' addresses page (once English inside the
            // Arabic shell, before every office page was translated).
            let cases = try await browser.get("/office/cases")
            #expect(cases.status == .ok && cases.body.contains("<html lang=\"ar\" dir=\"rtl\">"))
            #expect(cases.body.contains("<h1>الحالات</h1>") && cases.body.contains(">فتح حالة</a>"))
            #expect(cases.body.contains(">مستلَمة</a> <strong>٠</strong>") && cases.body.contains("<th>آخر نشاط</th>"))
            let addresses = try await browser.get("/office/addresses")
            #expect(addresses.status == .ok && addresses.body.contains("<html lang=\"ar\" dir=\"rtl\">"))
            #expect(!addresses.body.contains("<main id=\"main\" lang=\"en\""))
            #expect(addresses.body.contains(">الحالات</a>"))

            // The choice is kept: signing in again from a French browser changes nothing.
            try await browser.post("/logout", [])
            clock.advance(seconds: 31)  // a one-time code is taken once: the next one
            try await Self.signIn(browser, "amal@example.org", secret: secret, acceptLanguage: "fr", clock: clock)
            #expect(try await Self.storedLanguage("amal@example.org", app) == "ar")
            #expect(
                try await Self.languageEntries(app).map(\.detail)
                    == ["none → ar (from the browser at first sign-in)"])

            // The layout mirrors through the stylesheet's logical properties; what must stay left to right (an
            // e-mail address, a password, a code, a key) says so.
            let css = try await browser.get(SiteRoute.stylesheet.path).body
            #expect(css.contains("margin-inline-end") && css.contains("text-align: start"))
            #expect(!css.contains("margin-left") && !css.contains("padding-left") && !css.contains("text-align: left"))
            let signIn = try await TestBrowser(app).send(.GET, "/login", buffer: nil, headers: arabic)
            #expect(signIn.body.contains("type=\"email\" value=\"\" dir=\"ltr\""))
            #expect(signIn.body.contains("type=\"password\" value=\"\" dir=\"ltr\""))
        }
    }

    @Test(arguments: Engine.all)
    func onlyThePersonOrAnAdministratorChangesTheLanguage(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let team = try await CaseTeam.make(app)
            let partner = try #require(try await AccountStore.find(email: "partner@example.org", on: app.db))
            let (_, secret) = try await TestAccounts.create(
                "admin@example.org", [.administrator],
                secondFactor: true, in: app)
            let admin = TestBrowser(app)
            try await admin.signIn("admin@example.org", secret: secret)
            let before = try await Self.languageEntries(app).count

            // Another person, even a case officer, cannot: the address is the administrators'.
            try await team.drafter.get("/office")
            let other = try await team.drafter.post("/office/users/\(partner.id)/language", [("language", "ar")])
            #expect(other.status == .forbidden)
            // Without the form's token (a forged cross-site post), or signed out: refused.
            let forged = try await team.partner.post("/account/language", [("language", "ar")], csrf: "forged")
            #expect(forged.status == .forbidden)
            let stranger = TestBrowser(app)
            try await stranger.get("/login")
            #expect(try await stranger.post("/account/language", [("language", "ar")]).status == .forbidden)
            #expect(try await Self.storedLanguage("partner@example.org", app) == "en")
            #expect(try await Self.languageEntries(app).count == before, "nothing refused is audited as a change")

            // An administrator can, on the person's page; the person then reads Spanish.
            let page = try await admin.get("/office/users/\(partner.id)")
            #expect(page.body.contains("action=\"/office/users/\(partner.id)/language\""))
            let changed = try await admin.post("/office/users/\(partner.id)/language", [("language", "es")])
            #expect(changed.status == .seeOther)
            let spanish = try await team.partner.get("/partner/verifications")
            #expect(spanish.body.contains("<h1>Solicitudes de verificación</h1>"))
            let last = try #require(try await Self.languageEntries(app).last)
            #expect(last.actor == "admin@example.org" && last.action == "user.language" && last.recordId == partner.id)
            #expect(last.detail == "en → es")
            #expect(try await admin.post("/office/users/nobody/language", [("language", "es")]).status == .notFound)
            let crafted = try await admin.post("/office/users/\(partner.id)/language", [("language", "de")])
            #expect(
                crafted.status == .unprocessableEntity
                    && crafted.body.contains("“de” is not a language of the office"))
            #expect(try await Self.storedLanguage("partner@example.org", app) == "es")

            // The administrator's own pages about people follow her own choice.
            try await admin.get("/account")
            try await admin.post("/account/language", [("language", "fr")])
            let people = try await admin.get("/office/users")
            #expect(people.body.contains("<h1>Personnes</h1>") && people.body.contains(">Ajouter une personne</a>"))
            #expect(people.body.contains("<td>Partenaire</td>") && people.body.contains("<td>actif</td>"))
            let person = try await admin.get("/office/users/\(partner.id)")
            #expect(person.body.contains("Second facteur : désactivé. Mot de passe : défini."))
            #expect(person.body.contains("<option value=\"es\" lang=\"es\" selected>"))
        }
    }

    /// Crafted values, generated: each one that is not exactly a code is refused by name (422) and leaves the stored
    /// language and the audit trail as they were; each code is taken and audited once.
    @Test(arguments: Engine.all)
    func craftedLanguageValuesAreRefusedAndChangeNothing(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let (_, _) = try await TestAccounts.create("ed@example.org", [.editor], in: app)
            let browser = TestBrowser(app)
            try await browser.signIn("ed@example.org")
            try await browser.get("/account")
            let codes = Gen.oneOf(
                Gen.int(in: 0...3).map { Language.allCases[$0].rawValue },
                Gen.letterOrNumber.string(of: 0...5), Gen.latin1.string(of: 1...8),
                Gen.int(in: 0...7).map {
                    [
                        "fr ", "AR", "es-ES", "en\u{0}", "fr\r\nX-A: b",
                        "<b>fr</b>",
                        "ar\u{202E}", "\u{200B}es"
                    ][$0]
                })
            let expected = NIOLockedValueBox<String>("en")
            let changes = NIOLockedValueBox<Int>(1)  // the first sign-in's
            await propertyCheck(count: 120, input: codes) { raw in
                let page = try? await browser.post("/account/language", [("language", raw)])
                let stored = try? await Self.storedLanguage("ed@example.org", app)
                if let language = Language(rawValue: raw) {
                    #expect(page?.status == .seeOther)
                    changes.withLockedValue { $0 += 1 }
                    expected.withLockedValue { $0 = language.rawValue }
                } else {
                    #expect(page?.status == .unprocessableEntity, "\(raw.debugDescription)")
                    let body = page?.body ?? ""
                    #expect(
                        body.contains("is not a language of the office")
                            || body.contains("n’est pas une langue du bureau")
                            || body.contains("no es un idioma de la oficina") || body.contains("ليست من لغات المكتب"))
                    #expect(!body.contains("\u{0}") && !body.contains("X-A: b\r"), "the echo is cleaned")
                    #expect(!body.contains("<b>fr</b>"), "the echo is escaped")
                }
                #expect(stored == expected.withLockedValue { $0 }, "\(raw.debugDescription)")
            }
            #expect(try await Self.languageEntries(app).count == changes.withLockedValue { $0 })
        }
    }

    /// Dozens of simultaneous changes: one language stays, every change has its entry, and the last entry names the
    /// language that stayed (the change and its entry are one transaction).
    @Test(arguments: Engine.all)
    func simultaneousChangesKeepTheTrailAndTheAccountTogether(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await TestAccounts.create("ed@example.org", [.editor], in: app)
            let browser = TestBrowser(app)
            try await browser.signIn("ed@example.org")
            try await browser.get("/account")
            let csrf = browser.lastCSRF, cookies = browser.cookies
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for i in 0..<32 {
                    group.addTask {
                        let one = TestBrowser(app)
                        one.cookies = cookies
                        let value = i % 5 == 4 ? "xx\(i)" : Language.allCases[i % 4].rawValue
                        return try await one.post("/account/language", [("language", value)], csrf: csrf).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(
                statuses.filter { $0 == .seeOther }.count == 26
                    && statuses.filter { $0 == .unprocessableEntity }.count == 6)
            let entries = try await Self.languageEntries(app)
            #expect(entries.count == 1 + 26)
            let stored = try #require(try await Self.storedLanguage("ed@example.org", app))
            #expect(entries.last?.detail?.hasSuffix("→ \(stored)") == true)
        }
    }

    final class CapturingMailer: Mailer, @unchecked Sendable {
        let sent = NIOLockedValueBox<[MailMessage]>([])
        func send(_ messages: [MailMessage]) async -> [Delivery] {
            sent.withLockedValue { $0 += messages }
            return messages.map { _ in .sent }
        }
    }

    /// Each partner of the organisation gets the request in their own language, whoever asked and in whatever
    /// language; nothing of what was shared is in the mail; one reminder after three days if unanswered, none after
    /// an answer; partners of other organisations get nothing.
    @Test(arguments: Engine.all)
    func partnersReceiveRequestsAndRemindersInTheirOwnLanguage(_ engine: Engine) async throws {
        let clock = MutableClock()
        try await withApp(engine, clock: clock, publicURL: "https://observatory.example") { app in
            let team = try await CaseTeam.make(app)
            let (arabic, _) = try await TestAccounts.create(
                "rania@example.org", [.partner], organisation: "org-1",
                in: app)
            try await AccountStore.setLanguage(arabic.id, .ar, on: app.db)
            try await team.partner.get("/account")
            try await team.partner.post("/account/language", [("language", "fr")])
            try await team.drafter.get("/account")
            try await team.drafter.post("/account/language", [("language", "es")])  // the sender reads Spanish

            let shared = "SECRET-SHARED-\(UUID().uuidString)"
            let (_, requestID) = try await Self.openCase(team, shared: shared)
            let mailer = CapturingMailer()
            let worker = MailWorker(instance: "test", mailer: mailer, composer: app.site.composer)
            while try await worker.runOnce(now: clock.now(), on: app.db) > 0 {}
            let first = mailer.sent.withLockedValue { $0 }
            #expect(first.count == 2)
            let french = try #require(first.first { $0.to == "partner@example.org" })
            let inArabic = try #require(first.first { $0.to == "rania@example.org" })
            #expect(french.subject == "Une demande de vérification de l’Observatoire" && french.language == "fr")
            #expect(
                french.text.contains("Connectez-vous pour lire la demande et y répondre")
                    && french.text.contains("https://observatory.example/partner/verifications/\(requestID)"))
            #expect(french.text.contains("Votre accès à la demande dure jusqu’au "))
            #expect(inArabic.subject == "طلب تحقق من المرصد" && inArabic.language == "ar")
            for message in first {
                #expect(!message.text.contains(shared) && !message.subject.contains(shared))
                #expect(message.unsubscribeURL == nil, "a request is not a list message")
                #expect(!message.rendered(boundary: "b").contains(shared))
            }

            // A second request, answered at once: it gets no reminder.
            let (_, second) = try await Self.openCase(team, shared: "Please confirm.", known: [requestID])
            while try await worker.runOnce(now: clock.now(), on: app.db) > 0 {}
            #expect(mailer.sent.withLockedValue { $0.count } == 4)
            try await team.partner.get("/partner/verifications/\(second)")
            try await team.partner.post("/partner/verifications/\(second)", [("answer", "confirmed")])

            // Three days later, the first still unanswered: one reminder each, in their language; never a second one.
            clock.advance(seconds: 3 * 86_400 + 60)
            while try await worker.runOnce(now: clock.now(), on: app.db) > 0 {}
            clock.advance(seconds: 86_400)
            while try await worker.runOnce(now: clock.now(), on: app.db) > 0 {}
            // (the case officers' alerts, which always link their settings, are not partner mail)
            let all = mailer.sent.withLockedValue { $0 }.filter { !$0.text.contains("/account/alerts") }
            let reminders = all.dropFirst(4)
            #expect(
                reminders.map(\.subject).sorted()
                    == [
                        "Rappel : une demande de vérification attend votre réponse",
                        "تذكير: طلب تحقق بانتظار إجابتك"
                    ].sorted())
            #expect(reminders.allSatisfy { $0.text.contains("/partner/verifications/\(requestID)") })
            #expect(all.count == 6, "\(all.map(\.subject))")
            #expect(!all.contains { $0.to == "other-partner@example.org" || $0.to.hasPrefix("drafter") })
        }
    }
    /// English sentences of the portraits, sponsor offers, annual report and retention pages (office19), and their
    /// refusals: none is shown to a reader in another language.
    static let newPagesEnglish = [
        "Offers to sponsor a defender", "New portrait", "Save the portrait", "Withdraw consent",
        "Name the defender agreed to", "New sponsor", "New series", "Save the series", "On the public site",
        "Confidential: who wrote", "Give an address (3", "Not approved yet.", "Latest change:", "Save the analysis",
        "Thematic analysis in", "Publishing needs a second", "Also from the command line", "in the case files",
        "Save this analysis first", "Retention periods", "Save the periods", "Records at the end of their retention",
        "No record is at the end", "Nothing was changed", "web page"
    ]

    /// What the same pages say instead, per language.
    static let newPagesWords: [Language: [String]] = [
        .fr: [
            "<h1>Portraits</h1>", "<h2>Retirer le consentement</h2>", "<h3>Nouvelle série</h3>",
            "<h1>Propositions de parrainage d’un·e défenseur·e</h1>", "Indiquez une adresse (3 à 60 lettres",
            "Pas encore approuvé.", "Enregistrer l’analyse", "Enregistrez d’abord cette analyse",
            "<h1>Durées de conservation</h1>", "<h1>Enregistrements au terme de leur durée de conservation</h1>",
            "la durée pour « Dossiers clos »"
        ],
        .ar: [
            "<h1>الصور الشخصية</h1>", "<h2>سحب الموافقة</h2>", "<h3>سلسلة جديدة</h3>",
            "<h1>عروض رعاية مدافع عن حقوق الإنسان</h1>", "أدخل مساراً (من 3 إلى 60 حرفاً",
            "لم تتم الموافقة بعد.", "حفظ التحليل", "احفظ هذا التحليل أولاً", "<h1>مدد الاحتفاظ</h1>",
            "<h1>سجلات بلغت نهاية مدة الاحتفاظ بها</h1>", "نوع سجل غير معروف «forged»"
        ]
    ]

    /// An editor who is also a case officer and an administrator opens the portraits, the sponsor offers, the annual
    /// report and the retention pages in Arabic, then in French, and is refused once on each: every page is in her
    /// language, right to left in Arabic, and holds none of its English sentences; nothing refused is stored.
    @Test(arguments: Engine.all)
    func portraitsAnnualReportAndRetentionPagesFollowHerLanguage(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let her = try await AssistanceTests.signedIn(
                "polyglot@example.org", [.editor, .administrator, .caseOfficer], in: app)
            try await her.get("/office/portraits")
            let saved = try await her.postMultipart("/office/portraits", PortraitTests.fields(), files: [])
            #expect(saved.status == .seeOther, "\(saved.body.prefix(300))")
            for language in [Language.ar, .fr] {
                let words = try #require(Self.newPagesWords[language])
                try await her.get("/account")
                try await her.post("/account/language", [("language", language.rawValue)])
                var bodies: [(String, String)] = []
                for path in [
                    "/office/portraits?edit=ana-lopez", "/office/portraits/sponsor-offers",
                    "/office/reports/annual/2025", "/office/retention", "/office/retention/periods"
                ] {
                    let page = try await her.get(path)
                    #expect(page.status == .ok, "\(path)")
                    bodies.append((path, page.body))
                }
                try await her.get("/office/portraits")
                let portrait = try await her.postMultipart("/office/portraits", [("id", "X"), ("name", "")], files: [])
                #expect(portrait.status == .unprocessableEntity)
                try await her.get("/office/reports/annual/2025")
                let annual = try await her.post(
                    "/office/reports/annual/2025",
                    [("language", "en"), ("analysis", "Never saved."), ("action", "publish")])
                #expect(annual.status == .unprocessableEntity)
                try await her.get("/office/retention")
                let decision = try await her.post(
                    "/office/retention/decide",
                    [("kind", "forged"), ("decision", "delete"), ("id", "x"), ("reason", "a reason")])
                #expect(decision.status == .unprocessableEntity)
                try await her.get("/office/retention/periods")
                let period = try await her.post("/office/retention/periods", [("case.closed", "0")])
                #expect(period.status == .unprocessableEntity)
                bodies += [
                    ("portrait refused", portrait.body), ("annual refused", annual.body),
                    ("decision refused", decision.body), ("period refused", period.body)
                ]
                for (name, body) in bodies {
                    #expect(body.contains("<html lang=\"\(language.rawValue)\""), "\(name)")
                    #expect(body.contains("dir=\"rtl\"") == (language == .ar), "\(name)")
                    for phrase in Self.newPagesEnglish {
                        #expect(!body.contains(phrase), "\(language.rawValue) \(name) still says “\(phrase)”")
                    }
                }
                let all = bodies.map(\.1).joined()
                for word in words { #expect(all.contains(word), "\(language.rawValue): \(word)") }
            }
            struct Count: Decodable { let n: Int }
            let stored = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM portraits").first(decoding: Count.self)
            #expect(stored?.n == 1, "the refused portrait is not stored")
            let analysis = try await AnnualReportEditionStore.find(2025, .en, on: app.db)
            #expect(analysis.analysis.isEmpty, "the refused analysis is not stored")
        }
    }
}
