import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// Four eyes and the leak check on calls for input, tried as an insider would: one editor alone on every path
/// (the form, a direct POST, her own approval, an approval replayed after an edit, an approval of another call,
/// a changed deadline), two editors racing with dozens of simultaneous requests, and a defender's name or
/// contact in the call's text.
@Suite struct CallsFourEyesTests {
    struct Count: Decodable { let n: Int }

    static func fields(
        _ id: String, title: String = "Women defenders: your needs",
        text: String = "Tell us what **you** need.", deadline: String = "2026-12-31",
        open: Bool
    ) -> [(String, String)] {
        [("id", id), ("title", title), ("deadline", deadline), ("text", text)] + (open ? [("open", "yes")] : [])
    }

    /// The approval button's fields as `browser`'s page of the call shows them (nil when there is no button).
    static func approvalFields(_ id: String, by browser: TestBrowser) async throws -> [(String, String)]? {
        let page = try await browser.get("/office/calls/\(id)")
        guard let revision = firstMatch("name=\"revision\" value=\"([0-9]+)\"", in: page.body),
            let version = firstMatch("name=\"version\" value=\"([0-9a-f]{64})\"", in: page.body)
        else { return nil }
        return [("id", id), ("action", "approve"), ("revision", revision), ("version", version)]
    }

    static func isPublic(_ id: String, _ app: Application) async throws -> Bool {
        let page = try await app.get("/calls/\(id)")
        return page.status == .ok
    }

    /// Another browser on the same session, so that simultaneous requests do not share one cookie jar.
    static func clone(_ browser: TestBrowser) -> TestBrowser {
        let copy = TestBrowser(browser.app)
        copy.cookies = browser.cookies
        copy.lastCSRF = browser.lastCSRF
        return copy
    }

    static func audited(_ action: String, _ app: Application) async throws -> Int {
        try await app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = \(bind: action)")
            .first(decoding: Count.self)?.n ?? -1
    }

    @Test(arguments: Engine.all)
    func oneEditorAloneCannotOpenACallOnAnyPath(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let editor = TestBrowser(app)
            try await editor.signIn("editor@example.org")
            let second = try await EditorialTests.secondEditor(app)
            try await editor.get("/office/calls")
            try await second.get("/office/calls")
            // The form, ticked on a new call.
            let fresh = try await editor.post("/office/calls", Self.fields("needs", open: true))
            #expect(fresh.status == .unprocessableEntity && fresh.body.contains("Save the call first"))
            #expect(try await CallStore.find("needs", on: app.db) == nil, "nothing stored by the refused form")
            #expect(try await editor.post("/office/calls", Self.fields("needs", open: false)).status == .seeOther)
            #expect(try await !Self.isPublic("needs", app))
            // A direct POST of the saved text, ticked, by its author.
            let own = try await editor.post("/office/calls", Self.fields("needs", open: true))
            #expect(own.status == .unprocessableEntity && own.body.contains("You made the latest change"))
            // Her own approval: no button on her page, and a forged one is refused.
            #expect(try await Self.approvalFields("needs", by: editor) == nil)
            let forged = try #require(try await Self.approvalFields("needs", by: second))
            #expect(try await editor.post("/office/calls", forged).status == .unprocessableEntity)
            #expect(try await !Self.isPublic("needs", app))
            // The second editor approves; the author edits afterwards: the approval is void, and replaying it too.
            #expect(try await second.post("/office/calls", forged).location == "/office/calls/needs?approved=1")
            try await editor.post(
                "/office/calls",
                Self.fields(
                    "needs", text: "Tell us what **Wei** needs.",
                    open: false))
            let afterEdit = try await editor.post(
                "/office/calls",
                Self.fields(
                    "needs",
                    text: "Tell us what **Wei** "
                        + "needs.", open: true))
            #expect(afterEdit.status == .unprocessableEntity)
            let replayed = try await second.post("/office/calls", forged)
            #expect(replayed.status == .unprocessableEntity && replayed.body.contains("changed since you opened it"))
            #expect(try await !Self.isPublic("needs", app))
            // An approval of another call opens nothing else.
            try await editor.post("/office/calls", Self.fields("other", open: false))
            let approvedA = try #require(try await Self.approvalFields("needs", by: second))
            #expect(try await second.post("/office/calls", approvedA).location != nil)
            let aOnB = approvedA.map { $0.0 == "id" ? ($0.0, "other") : $0 }
            #expect(try await second.post("/office/calls", aOnB).status == .unprocessableEntity)
            #expect(try await editor.post("/office/calls", aOnB).status == .unprocessableEntity)
            #expect(
                try await editor.post("/office/calls", Self.fields("other", open: true))
                    .status == .unprocessableEntity)
            #expect(try await !Self.isPublic("other", app))
            // Only the deadline changes after approval: the approval is void all the same.
            try await editor.post(
                "/office/calls",
                Self.fields(
                    "needs", text: "Tell us what **Wei** needs.",
                    deadline: "2027-01-31", open: false))
            #expect(
                try await editor.post(
                    "/office/calls",
                    Self.fields(
                        "needs", text: "Tell us what **Wei** needs.",
                        deadline: "2027-01-31", open: true)
                ).status == .unprocessableEntity)
            #expect(try await !Self.isPublic("needs", app))
            // The second person puts the saved text on the site; it is not then rewritten in place.
            let opened = try await second.post(
                "/office/calls",
                Self.fields(
                    "needs",
                    text: "Tell us what **Wei** "
                        + "needs.", deadline: "2027-01-31", open: true))
            #expect(opened.status == .seeOther)
            #expect(try await app.get("/calls/needs").body.contains("Tell us what <strong>Wei</strong> needs."))
            for changed in [
                Self.fields("needs", text: "Unapproved words.", deadline: "2027-01-31", open: true),
                Self.fields(
                    "needs", text: "Tell us what **Wei** needs.", deadline: "2027-03-31",
                    open: true),
                Self.fields(
                    "needs", title: "Another title", text: "Tell us what **Wei** needs.",
                    deadline: "2027-01-31", open: true)
            ] {
                let inPlace = try await editor.post("/office/calls", changed)
                #expect(inPlace.status == .unprocessableEntity && inPlace.body.contains("is on the public site"))
            }
            let page = try await app.get("/calls/needs")
            #expect(!page.body.contains("Unapproved") && !page.body.contains("Another title"))
            #expect(try await Self.audited("call.approve", app) == 3)
            #expect(try await Self.audited("call.save", app) == 5)
        }
    }

    @Test(arguments: Engine.all)
    func twoEditorsRacingNeverPutAnUnapprovedTextOnTheSite(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let editor = TestBrowser(app)
            try await editor.signIn("editor@example.org")
            let second = try await EditorialTests.secondEditor(app)
            try await editor.get("/office/calls")
            try await second.get("/office/calls")
            // The author alone, thirty times at once: never public.
            try await editor.post("/office/calls", Self.fields("alone", open: false))
            let aloneOpened = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<30 {
                    let b = Self.clone(editor)
                    group.addTask {
                        try await b.post("/office/calls", Self.fields("alone", open: true)).status
                            == .seeOther
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(aloneOpened == 0)
            #expect(try await !Self.isPublic("alone", app))
            // The author edits while the second editor opens, 48 requests at once, in several rounds.
            for round in 0..<3 {
                let id = "race-\(round)"
                try await editor.post("/office/calls", Self.fields(id, text: "Approved words.", open: false))
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for n in 0..<16 {
                        let e = Self.clone(editor), s = Self.clone(second), e2 = Self.clone(editor)
                        group.addTask {
                            try await e.post(
                                "/office/calls",
                                Self.fields(
                                    id, text: "Edit \(n).",
                                    open: n % 2 == 0))
                        }
                        group.addTask {
                            try await s.post(
                                "/office/calls",
                                Self.fields(
                                    id, text: "Approved words.",
                                    open: true))
                        }
                        group.addTask {
                            try await e2.post(
                                "/office/calls",
                                Self.fields(
                                    id, text: "Approved words.",
                                    open: true))
                        }
                    }
                    try await group.waitForAll()
                }
                let stored = try #require(try await CallStore.find(id, on: app.db))
                if stored.open {
                    #expect(stored.text == "Approved words.", "round \(round): only the approved text is public")
                    let refused = try await FourEyesStore.check(
                        CallFourEyes.subject(id),
                        hash: CallFourEyes.hash(stored), fallback: nil, exempt: false, on: app.db)
                    #expect(refused == nil, "round \(round): the public version is approved")
                    let approvals = try await FourEyesStore.approvals(CallFourEyes.subject(id), on: app.db)
                    #expect(approvals.allSatisfy { $0.approver == "second-editor@example.org" })
                }
                let page = try await app.get("/calls/\(id)")
                #expect(!page.body.contains("Edit "), "round \(round): no unapproved edit on the public page")
            }
        }
    }

    @Test(arguments: Engine.all)
    func aCallNamingADefenderOrHerContactIsRefusedBeforeApprovalAndAtOpening(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let team = try await CaseTeam.make(app)
            _ = try await FourEyesTests.weiCase(app, team)
            let author = team.drafter, other = team.approver
            try await author.get("/office/calls")
            try await other.get("/office/calls")
            let leaking = [
                "Ms Wei tells her story.", "Write to wei.li@example.net.", "Li W e i is in hiding.",
                "Ask [her](https://example.org/%57ei) directly.", "Ms W&#101;i writes."
            ]
            for (n, text) in leaking.enumerated() {
                let id = "leak-\(n)"
                #expect(
                    try await author.post("/office/calls", Self.fields(id, text: text, open: false))
                        .status == .seeOther, "a draft may hold anything")
                let approval = try #require(try await Self.approvalFields(id, by: other))
                let refused = try await other.post("/office/calls", approval)
                #expect(
                    refused.status == .unprocessableEntity && refused.body.contains("confidential value"),
                    "\(text)")
                let opened = try await other.post("/office/calls", Self.fields(id, text: text, open: true))
                #expect(
                    opened.status == .unprocessableEntity && opened.body.contains("confidential value"),
                    "\(text)")
                #expect(try await !Self.isPublic(id, app), "\(text)")
            }
            // Approved while clean; then a case learns a name the text holds: opening checks again and refuses.
            try await author.post(
                "/office/calls",
                Self.fields(
                    "later", text: "Thanks to Amara Diallo.",
                    open: false))
            let approval = try #require(try await Self.approvalFields("later", by: other))
            #expect(try await other.post("/office/calls", approval).location != nil)
            let reporter = TestBrowser(app)
            _ = try #require(
                try await reporter.report(
                    person: "Amara Diallo", description: "a journalist in Dakar",
                    country: "SN", account: "Threatened."))
            let late = try await other.post(
                "/office/calls",
                Self.fields(
                    "later", text: "Thanks to Amara Diallo.",
                    open: true))
            #expect(late.status == .unprocessableEntity && late.body.contains("confidential value"))
            #expect(try await !Self.isPublic("later", app))
            #expect(try await author.post("/office/calls", Self.fields("clean", open: false)).status == .seeOther)
            #expect(try await other.post("/office/calls", Self.fields("clean", open: true)).status == .seeOther)
            #expect(try await Self.isPublic("clean", app))
        }
    }

    /// Campaigns open the same way (another person ticks "On the public site"): the same leak check runs then.
    @Test(arguments: Engine.all)
    func aCampaignNamingADefenderIsNotPutOnTheSite(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let team = try await CaseTeam.make(app)
            _ = try await FourEyesTests.weiCase(app, team)
            try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let editor = TestBrowser(app)
            try await editor.signIn("editor@example.org")
            let second = try await EditorialTests.secondEditor(app)
            try await editor.get("/office/campaigns")
            try await second.get("/office/campaigns")
            for (n, text) in ["Portraits: Ms W e i.", "Write to wei.li@example.net", "[Li](https://x.org/%57ei)"]
                .enumerated()
            {
                let fields = [
                    ("id", "portraits-\(n)"), ("title", "Portraits"), ("text", text), ("publications", ""),
                    ("cases", "")
                ]
                #expect(try await editor.postMultipart("/office/campaigns", fields, files: []).status == .seeOther)
                let refused = try await second.postMultipart(
                    "/office/campaigns", fields + [("published", "yes")],
                    files: [])
                #expect(
                    refused.status == .unprocessableEntity && refused.body.contains("confidential value"),
                    "\(text)")
                #expect(try await app.get("/campaigns/portraits-\(n)").status == .notFound, "\(text)")
            }
            let clean = [
                ("id", "clean"), ("title", "Portraits"), ("text", "Ten portraits."), ("publications", ""),
                ("cases", "")
            ]
            try await editor.postMultipart("/office/campaigns", clean, files: [])
            #expect(
                try await second.postMultipart("/office/campaigns", clean + [("published", "yes")], files: [])
                    .status == .seeOther)
            #expect(try await app.get("/campaigns/clean").status == .ok)
        }
    }
}
