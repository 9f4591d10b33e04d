import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// The rule lives depend on: a canary placed in every confidential field of a case, taken through the whole
/// workflow to a published appeal and a follow-up, is found in no public page, feed, search result or log line,
/// and not in clear in the database.
@Suite struct ConfidentialityTests {
    static let canary = "Qz7CANARYk4"

    static func value(_ field: String) -> String { "\(canary)\(field)" }

    @Test(arguments: Engine.all)
    func aCanaryInEveryConfidentialFieldReachesNoPublicOutput(_ engine: Engine) async throws {
        CapturedLogs.start()
        var logs = ""
        let file = engine == .sqlite ? NSTemporaryDirectory() + "observatory-canary-\(UUID().uuidString).sqlite" : nil
        defer {
            for suffix in ["", "-wal", "-shm"] { file.map { try? FileManager.default.removeItem(atPath: $0 + suffix) } }
        }
        try await withApp(engine, sqliteFile: file) { app in
            let team = try await CaseTeam.make(app)
            let reporter = TestBrowser(app)
            let v = Self.value
            // The reporter's fields: name of the person at risk (not agreeing to be named), account, relation, contact,
            // a file.
            let code = try #require(
                try await reporter.report(
                    person: "Nadia \(v("reportedname"))", description: "a woman journalist in Kazan", country: "RU",
                    account: "Account \(v("account"))", relation: "Relation \(v("relation"))",
                    contact: "Contact \(v("reportercontact"))",
                    files: [("files", "\(v("filename")).txt", Array("Content \(v("attachment"))".utf8))],
                    place: "Place \(v("reportplace"))"))
            let caseID = try #require(
                firstMatch("/office/cases/(case-[a-z0-9]{12})", in: try await team.drafter.get("/office/cases").body))
            let casePath = "/office/cases/\(caseID)"
            // The case officer's fields: another person, their contact, a source, notes, the working title, a file.
            try await team.drafter.get(casePath)
            try await team.drafter.post(
                "\(casePath)/people",
                [
                    ("kind", "defender"), ("person", "Ilya \(v("officername"))"),
                    ("description", "a lawyer in Kazan"), ("contact", v("personcontact"))
                ])
            try await team.drafter.post(
                "\(casePath)/acts",
                [
                    ("type", "arbitrary-arrest"), ("date", "2026-05-02"), ("place", "Place \(v("actplace"))"),
                    ("perpetrator", "police"), ("detail", "Detail \(v("actdetail"))")
                ])
            try await team.drafter.post(
                "\(casePath)/sources", [("description", "Source \(v("source"))"), ("contact", v("sourcecontact"))])
            try await team.drafter.post(
                casePath, [("label", "Title \(v("label"))"), ("risk", "critical"), ("notes", "Notes \(v("notes"))")])
            try await team.drafter.postMultipart(
                "\(casePath)/attachments", [],
                files: [("files", "\(v("officefile")).pdf", Array("%PDF-1.4 \(v("pdf"))".utf8))])
            // Verification: what is shared, and the partner's note.
            try await team.drafter.post(
                "\(casePath)/verifications", [("organisation", "org-1"), ("shared", "Shared \(v("shared"))")])
            let requestID = try #require(
                firstMatch(
                    "/partner/verifications/(verification-[a-z0-9]{12})",
                    in: try await team.partner.get("/partner/verifications").body))
            try await team.partner.get("/partner/verifications/\(requestID)")
            try await team.partner.post(
                "/partner/verifications/\(requestID)", [("answer", "confirmed"), ("note", "Note \(v("partnernote"))")])
            try await team.drafter.post("\(casePath)/status", [("status", "verified")])
            // The partner organisation's contacts, kept in the directory's back office.
            try await team.drafter.get("/office/organisations/org-1")
            try await team.drafter.post(
                "/office/organisations/org-1",
                [
                    ("name", "Comité de Defensa Oaxaca"), ("website", ""),
                    ("description", "A public description."), ("contacts", "Phone \(v("orgcontact"))")
                ])

            // A call for input answered by the public; its answers are confidential by default.
            try await team.drafter.get("/office/calls")
            let call = [
                ("id", "whrd-needs"), ("title", "Needs of women defenders"), ("deadline", "2026-12-31"),
                ("text", "Tell us.")
            ]
            // Four eyes: one officer saves the call, the other puts it on the public site.
            try await team.drafter.post("/office/calls", call)
            try await team.approver.get("/office/calls")
            #expect(try await team.approver.post("/office/calls", call + [("open", "yes")]).status == .seeOther)
            try await reporter.get("/calls/whrd-needs")
            #expect(
                try await reporter.post(
                    "/calls/whrd-needs",
                    [
                        ("answer", "Answer \(v("callanswer"))"), ("who", "Who \(v("callwho"))"),
                        ("contact", "Contact \(v("callcontact"))")
                    ]
                ).body.contains("id=\"call-thanks\""))
            // A mission concerning the case, with its published report; every staff field carries the canary.
            try await store(
                [
                    publication(
                        "mission-report", .report, title: "Russian Federation: report of the solidarity mission",
                        countries: ["RU"])
                ], in: app)
            try await team.drafter.get("/office/missions")
            let mission = try #require(
                try await team.drafter.post(
                    "/office/missions",
                    [
                        ("kind", "solidarity"), ("title", "Mission \(v("missiontitle"))"), ("country", "RU"),
                        ("starts", "2026-10-01"), ("ends", "2026-10-03"),
                        ("members", "Members \(v("members"))"), ("objectives", "Objectives \(v("objectives"))"),
                        ("logistics", "Logistics \(v("logistics"))"),
                        ("security", "Security \(v("securityplan"))"), ("findings", "Findings \(v("findings"))"),
                        ("preliminary", ""), ("report", "mission-report")
                    ]
                ).location)
            try await team.drafter.post(mission + "/cases", [("case", caseID), ("concern", "Trial \(v("concern"))")])
            // Material assistance for the case, approved by two others, paid, reported on.
            let third = try await AssistanceTests.signedIn("third@example.org", [.caseOfficer], in: app)
            let person = try #require(
                try await CaseStore.find(caseID, cipher: app.site.cipher, on: app.db)?.people.first?.id)
            try await team.drafter.get("/office/assistance?case=\(caseID)")
            let grant = try #require(
                try await team.drafter.post(
                    "/office/assistance",
                    [
                        ("case", caseID), ("beneficiary", person), ("kind", "relocation"),
                        ("currency", "EUR"), ("amount", "1200"), ("purpose", "Purpose \(v("purpose"))")
                    ]
                        + (try await AssistanceSettings.load(on: app.db)).criteria.map { ("criterion", $0.id) }
                ).location)
            for officer in [team.approver, third] {
                try await officer.get(grant)
                #expect(try await officer.post(grant + "/approve", []).status == .seeOther)
            }
            try await third.post(
                grant + "/payments",
                [("amount", "1200"), ("paid-on", "2026-11-20"), ("payment-reference", "Paid \(v("payment"))")])
            try await third.post(
                grant + "/report",
                [("due", "2027-01-31"), ("received", "2026-11-20"), ("note", "Report \(v("grantreport"))")])
            // A second request, rejected with a reason.
            try await team.drafter.get("/office/assistance?case=\(caseID)")
            let rejected = try #require(
                try await team.drafter.post(
                    "/office/assistance",
                    [
                        ("case", caseID), ("beneficiary", person), ("kind", "medical"),
                        ("currency", "EUR"), ("amount", "300"), ("purpose", "Purpose \(v("refusedpurpose"))")
                    ]
                ).location)
            try await team.approver.get(rejected)
            #expect(
                try await team.approver.post(rejected + "/reject", [("reason", "Reason \(v("rejection"))")]).status
                    == .seeOther)

            // The draft names both people; one line also gives away a source's contact, so approval is refused first.
            let leaky =
                "## Description of the situation\n\nNadia \(v("reportedname")) and Ilya \(v("officername")) were threatened in Kazan.\n\nCall \(v("sourcecontact"))."
            let original = try #require(
                try await team.drafter.post(
                    "\(casePath)/interventions/new",
                    [
                        ("kind", "urgent-appeal"), ("language", "en"), ("follow_up_of", ""), ("translation_of", ""),
                        ("title", "Russian Federation: threats against Nadia \(v("reportedname"))"),
                        ("summary", "Ilya \(v("officername")) threatened."), ("body", leaky)
                    ]
                ).location)
            try await team.approver.get(original)
            let refused = try await team.approver.post(original, [("action", "approve")])
            #expect(
                refused.status == .unprocessableEntity && refused.body.contains("still contains 1 confidential value"))
            try await team.drafter.get(original)
            try await team.drafter.post(
                original,
                [
                    ("action", "save"), ("title", "Russian Federation: threats against Nadia \(v("reportedname"))"),
                    ("summary", "Ilya \(v("officername")) threatened."),
                    ("body", String(leaky.split(separator: "\n\nCall")[0]))
                ])
            for step in ["approve", "publish"] {
                try await team.approver.get(original)
                let page = try await team.approver.post(original, [("action", step)])
                #expect(page.status == .seeOther, "\(step): \(page.body.prefix(0))")
            }
            let followUp = try #require(
                try await team.drafter.post(
                    "\(casePath)/interventions/new",
                    [
                        ("kind", "urgent-appeal"), ("language", "en"),
                        ("follow_up_of", String(original.split(separator: "/").last!)), ("translation_of", ""),
                        ("title", "Russian Federation: Nadia \(v("reportedname")) released"), ("summary", ""),
                        ("body", "## New information\n\nIlya \(v("officername")) too.")
                    ]
                ).location)
            for step in ["approve", "publish"] {
                try await team.approver.get(followUp)
                #expect(try await team.approver.post(followUp, [("action", step)]).status == .seeOther)
            }
            try await reporter.get("/report/receipt")
            let receipt = try await reporter.post("/report/receipt", [("code", code)])
            #expect(receipt.status == .ok && !receipt.body.contains(Self.canary))

            // Crawl every public page reachable from the home page, in every language, plus feeds and searches.
            var queue = [
                "/", "/fr", "/es", "/ar", "/publications/feed.rss", "/publications/feed.atom",
                "/publications/feed.rss?country=ru",
                "/search?q=Nadia", "/search?q=\(Self.canary)", "/search?q=\(v("reportedname"))",
                "/search/feed.atom?q=threats",
                "/countries/ru", "/map", "/report", "/report/receipt", "/calls", "/bulletins", "/subscribe",
                "/organisations", "/organisations/org-1", "/fr/organisations/org-1",
                "/missions", "/ar/missions", "/calls/whrd-needs", "/campaigns",
                "/publications.csv", "/fr/publications.json?country=ru", "/search.json?q=Nadia",
                "/search.csv?q=\(Self.canary)", "/organisations.csv", "/organisations.json", "/sitemap.xml",
                "/robots.txt"
            ]
            var seen: Set<String> = [], published = 0
            while !queue.isEmpty, seen.count < 500 {  // breadth first: every starting page, then what they link to
                let path = queue.removeFirst()
                guard seen.insert(path).inserted else { continue }
                let page = try await app.get(path)
                var body = page.body
                if path.contains(Self.canary) {
                    // A search for the canary shows the visitor's own words back (box, links, feeds): take those out,
                    // then nothing may remain, and nothing may be found.
                    let typed = String(path.split(separator: "=", maxSplits: 1).last ?? "")
                    for form in [
                        typed, SiteRoute.escapeSegment(typed), SiteRoute.escapeSegment("/search?q=" + typed),
                        SiteRoute.escapeSegment(SiteRoute.escapeSegment(typed))
                    ] {
                        body = body.replacingOccurrences(of: form, with: "")
                    }
                    #expect(!body.contains("<mark>"), "the canary search found something: \(path)")
                }
                #expect(!body.contains(Self.canary), "canary on \(path)")
                if page.body.contains("threats against a woman journalist in Kazan") { published += 1 }
                let links = page.body.components(separatedBy: "href=\"").dropFirst().compactMap {
                    $0.split(separator: "\"").first.map(String.init)
                }
                for link in links
                where link.hasPrefix("/") && !link.hasPrefix("//") && !link.hasPrefix("/language/")
                    && !link.hasPrefix("/static/")
                {
                    let decoded = link.replacingOccurrences(of: "&amp;", with: "&")
                    if !seen.contains(decoded)
                        && (decoded.contains("russian") || decoded.contains("/publications/obs-")
                            || decoded.contains("ru") || !decoded.contains("?"))
                    {
                        queue.append(decoded)
                    }
                }
            }
            #expect(published >= 2, "the crawl reached the published appeal (\(seen.count) pages)")
            #expect(seen.contains { $0.hasPrefix("/publications/obs-") })
            #expect(seen.contains("/organisations/org-1"), "the crawl reached the organisation's public page")
            #expect(
                try await app.get("/missions").body.contains("report of the solidarity mission"),
                "the mission's public page lists its report")
            // The annual report (made to be published) carries the year's assistance totals and no canary.
            let editor = try await AssistanceTests.signedIn("editor@example.org", [.editor], in: app)
            let annual = try await editor.get("/office/reports/annual/2026/report.html")
            #expect(annual.body.contains("EUR 1,200.00") && !annual.body.contains(Self.canary), "the annual report")

            // A delivery that fails: the mail server's words repeat the subscriber's address (here with the canary).
            for subscriber in ["ana.subscriber@example.org", "ilya.subscriber@example.org"] {
                try await SubscriptionTests.activeSubscriber(subscriber, .init(languages: [.en], scope: .all), app)
            }
            let mailed = publication("mailed-appeal", .urgentIntervention, kind: .urgentAppeal)
            try await SubscriptionTests.publish(mailed, app)
            let refusing = MailWorker(
                instance: "canary", mailer: RefusingMailer(words: v("smtperror")),
                composer: app.site.composer)
            try await SubscriptionTests.drain(refusing, app)
            let postmaster = try await AssistanceTests.signedIn("postmaster@example.org", [.administrator], in: app)
            let mailPage = try await postmaster.get("/office/mail").body
            #expect(
                mailPage.contains(".subscriber@example.org&gt; refused: 550 \(v("smtperror"))"),
                "the administrators' mail page opens the error")
            #expect(mailPage.contains("451 4.2.0 &lt;"), "and the temporary one")

            // Nothing in clear in the database.
            if let file {
                for suffix in ["", "-wal"] {
                    let bytes = FileManager.default.contents(atPath: file + suffix) ?? Data()
                    #expect(
                        bytes.range(of: Data(Self.canary.utf8)) == nil,
                        "canary in clear in \(suffix.isEmpty ? "the database file" : "its write-ahead log")")
                }
            } else {
                struct Table: Decodable { let tableName: String }
                struct Line: Decodable { let line: String }
                let tables = try await app.db.sql.raw(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                )
                .all(decoding: Table.self, keyDecodingStrategy: .convertFromSnakeCase)
                #expect(tables.count > 15)
                for table in tables {
                    let rows = try await app.db.sql.raw(
                        "SELECT CAST(t AS TEXT) AS line FROM \(ident: table.tableName) t"
                    ).all(decoding: Line.self)
                    #expect(!rows.contains { $0.line.contains(Self.canary) }, "canary in clear in \(table.tableName)")
                }
            }
            // Every value of every registered sealed column is bound to its row (`v2:`), dates and descriptions
            // included.
            for (column, row, value) in try await SealedStorageTests.stored(app) {
                #expect(
                    app.site.cipher.opens(value, in: column, row: row),
                    "\(column) of \(row) is sealed and bound to its row")
            }
            // Yet the case officers read every value.
            let caseFile = try await team.drafter.get(casePath).body
            #expect(try await team.drafter.get("/office/organisations/org-1").body.contains(v("orgcontact")))
            let missionPage = try await team.drafter.get(mission).body, grantPage = try await third.get(grant).body
            let rejectedPage = try await team.drafter.get(rejected).body
            let answers = try await team.drafter.get("/office/calls/whrd-needs").body
            for (page, fields) in [
                (
                    missionPage,
                    ["missiontitle", "members", "objectives", "logistics", "securityplan", "findings", "concern"]
                ),
                (grantPage, ["purpose", "payment", "grantreport"]), (rejectedPage, ["refusedpurpose", "rejection"]),
                (answers, ["callanswer", "callwho", "callcontact"])
            ] {
                for field in fields { #expect(page.contains(v(field)), "staff read \(field)") }
            }
            for field in [
                "reportedname", "relation", "reportercontact", "filename", "officername", "personcontact", "source",
                "sourcecontact",
                "label", "notes", "officefile", "shared", "partnernote", "reportplace", "actplace", "actdetail"
            ] {
                #expect(caseFile.contains(v(field)), "the case file shows \(field)")
            }
        }
        logs = CapturedLogs.stop()
        #expect(logs.contains("SELECT"), "the log was captured")
        #expect(!logs.contains(Self.canary), "canary in a log line")
    }
}

/// A mail server that refuses every other message for good and the rest for now, repeating the address as they do.
struct RefusingMailer: Mailer {
    let words: String
    func send(_ messages: [MailMessage]) async -> [Delivery] {
        messages.enumerated().map { index, message in
            index % 2 == 0
                ? .temporary("451 4.2.0 <\(message.to)> mailbox busy, \(words)")
                : .permanent("RCPT TO:<\(message.to)> refused: 550 \(words)")
        }
    }
}
