import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// Redaction and four eyes through the running app, on both engines, tried the way an insider would try to get
/// around them: a short surname, self-approval after rewriting, an editor alone, a typed code, a schedule, an
/// edit after approval, concurrent approvals.
@Suite struct FourEyesTests {
    /// A verified case about "Li Wei", who did not agree to be named; returns the case path.
    static func weiCase(_ app: Application, _ team: CaseTeam) async throws -> String {
        let reporter = TestBrowser(app)
        _ = try #require(
            try await reporter.report(
                person: "Li Wei", description: "a labour activist in Guadalajara",
                account: "Threatened at the union office.",
                contact: "wei.li@example.net"))
        let dashboard = try await team.drafter.get("/office/cases")
        let caseID = try #require(firstMatch("/office/cases/(case-[a-z0-9]{12})", in: dashboard.body))
        _ = try await CaseStore.changeStatus(
            caseID, from: .received, to: .verified, outcome: nil,
            by: "drafter@example.org",
            now: testClock.now(), on: app.db)
        return "/office/cases/\(caseID)"
    }

    static func draft(
        _ browser: TestBrowser, _ casePath: String, title: String, body: String, language: String = "en",
        followUpOf: String = "", translationOf: String = ""
    ) async throws -> String {
        try await browser.get("\(casePath)/interventions/new")
        let created = try await browser.post(
            "\(casePath)/interventions/new",
            [
                ("kind", "urgent-appeal"), ("language", language), ("follow_up_of", followUpOf),
                (
                    "translation_of",
                    translationOf
                ),
                ("title", title), ("summary", ""), ("body", body)
            ])
        return try #require(created.location, "drafted: \(created.body.prefix(200))")
    }

    /// Opens the intervention and presses "Approve" with the version the page shows.
    static func approve(_ path: String, by browser: TestBrowser) async throws -> TestBrowser.Page {
        let page = try await browser.get(path)
        let revision = firstMatch("name=\"revision\" value=\"([0-9]+)\"", in: page.body) ?? ""
        let version = firstMatch("name=\"version\" value=\"([0-9a-f]{64})\"", in: page.body) ?? ""
        return try await browser.post(path, [("action", "approve"), ("revision", revision), ("version", version)])
    }

    static func id(_ path: String) -> String { String(path.split(separator: "/").last!) }

    @Test(arguments: Engine.all)
    func msWeiNeverReachesThePublicInAnOriginalATranslationOrAFollowUp(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let team = try await CaseTeam.make(app)
            let casePath = try await Self.weiCase(app, team)
            // With her contact in it, no version can be approved.
            let leaking = try await Self.draft(
                team.drafter, casePath, title: "Mexico: threats against Ms Wei",
                body: "Ms Wei's office was raided. Write to wei.li@example.net.")
            let refused = try await Self.approve(leaking, by: team.approver)
            #expect(
                refused.status == .unprocessableEntity
                    && refused.body.contains("still contains 1 confidential value"))

            let original = try await Self.draft(
                team.drafter, casePath, title: "Mexico: threats against Ms Wei",
                body: "Ms Wei’s office was raided. WEI was followed. Li "
                    + "W\u{200B}ei is in hiding.")
            let review = try await team.approver.get(original)
            #expect(review.body.contains("Mexico: threats against Ms a labour activist in Guadalajara"))
            #expect(try await Self.approve(original, by: team.approver).location != nil)
            try await team.approver.post(original, [("action", "publish")])
            let translation = try await Self.draft(
                team.drafter, casePath, title: "Mexique : menaces contre Mme Wei",
                body: "Le bureau de Wei a été perquisitionné.", language: "fr",
                translationOf: Self.id(original))
            let followUp = try await Self.draft(
                team.drafter, casePath, title: "Mexico: new threats against Wei",
                body: "## New information\n\nLi was threatened again.",
                followUpOf: Self.id(original))
            // A translation naming her needs her description in French (issue 21).
            let person = try #require(
                firstMatch(
                    "/people/(person-[a-z0-9]{12})/languages",
                    in: try await team.drafter.get(casePath).body))
            _ = try await TranslationWorkflowTests.describe(
                team.drafter, casePath, person,
                [("description_fr", "une militante syndicale")])
            for path in [translation, followUp] {
                // A contact in a translation or a follow-up is refused the same way.
                try await team.drafter.post(
                    path,
                    [
                        ("action", "save"), ("title", "Contact wei.li@example.net"),
                        ("summary", ""), ("body", "x")
                    ])
                #expect(try await Self.approve(path, by: team.approver).status == .unprocessableEntity)
                try await team.drafter.post(
                    path,
                    [
                        ("action", "save"),
                        (
                            "title",
                            path == translation ? "Mexique : menaces contre Mme Wei" : "Mexico: Wei"
                        ),
                        ("summary", "Wei’s case"), ("body", "Ms Wei and Li.")
                    ])
                #expect(try await Self.approve(path, by: team.approver).location != nil)
                try await team.approver.post(path, [("action", "publish")])
            }
            let published = try await team.approver.get(original)
            let publicPath = try #require(firstMatch("id=\"public-link\" href=\"([^\"]+)\"", in: published.body))
            #expect(!(try await app.get("/search?q=wei").body.contains(publicPath)), "no page found by the name")
            for path in [
                publicPath, "/publications/feed.rss", "/search?q=labour", "/fr/publications",
                "/search/feed.rss?q=labour"
            ] {
                let page = try await app.get(path)
                #expect(!page.body.localizedCaseInsensitiveContains("wei"), "no Wei in \(path)")
            }
            #expect(try await app.get("/search?q=labour").body.contains("labour activist in Guadalajara"))
        }
    }

    @Test(arguments: Engine.all)
    func aSecondOfficerWhoRewritesCannotApproveHerOwnTextAndEveryEditVoidsApproval(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let team = try await CaseTeam.make(app)
            let casePath = try await Self.weiCase(app, team)
            let path = try await Self.draft(
                team.drafter, casePath, title: "Mexico: threats against a unionist",
                body: "Threats.")
            #expect(try await Self.approve(path, by: team.drafter).body.contains("cannot approve it"))
            // The second officer rewrites the draft, then tries to approve her own text.
            try await team.approver.get(path)
            try await team.approver.post(
                path,
                [
                    ("action", "save"), ("title", "Mexico: her words now"),
                    (
                        "summary",
                        ""
                    ), ("body", "Mine.")
                ])
            let own = try await Self.approve(path, by: team.approver)
            #expect(own.status == .unprocessableEntity && own.body.contains("cannot approve it"))
            #expect(try await team.approver.get(path).body.contains("You made the latest change"))
            // A stale page (the revision read before another edit) approves nothing.
            let stale = try await team.drafter.get(path)
            try await team.approver.post(
                path,
                [
                    ("action", "save"), ("title", "Mexico: changed again"),
                    (
                        "summary",
                        ""
                    ), ("body", "Again.")
                ])
            let staleRevision = try #require(firstMatch("name=\"revision\" value=\"([0-9]+)\"", in: stale.body))
            let late = try await team.drafter.post(path, [("action", "approve"), ("revision", staleRevision)])
            #expect(late.status == .unprocessableEntity && late.body.contains("changed since you opened it"))
            // The first author approves after the other's edit: allowed.
            #expect(try await Self.approve(path, by: team.drafter).location != nil)
            // An edit after approval sends it back: publishing is refused until a new approval.
            try await team.approver.post(
                path,
                [
                    ("action", "save"), ("title", "Mexico: edited after approval"),
                    ("summary", ""), ("body", "Edit.")
                ])
            let publish = try await team.drafter.post(path, [("action", "publish")])
            #expect(
                publish.status == .unprocessableEntity
                    && publish.body.contains("Only an approved intervention can be published"))
            #expect(try await Self.approve(path, by: team.approver).status == .unprocessableEntity)
            #expect(try await Self.approve(path, by: team.drafter).location != nil)
            #expect(try await team.drafter.post(path, [("action", "publish")]).location != nil)
            let audit = try await app.db.sql.raw(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = "
                    + "'intervention.approve'"
            )
            .first(decoding: Count.self)
            #expect(audit?.n == 2)
        }
    }

    struct Count: Decodable { let n: Int }

    @Test(arguments: Engine.all)
    func concurrentApprovalsAndEditsNeverLetOutATextItsOnlyApproverWrote(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let cipher = app.site.cipher
            let (first, firstFile) = try await ReferenceCodeTests.draft(1, country: "MX", in: app)
            let drafterTitle = first.title.reveal(), draftID = first.id
            var draft = first, file = firstFile
            // The approver approves and rewrites at the same time, 40 requests at once.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<40 {
                    group.addTask {
                        let current = try #require(
                            try await InterventionStore.find(
                                draftID, cipher: cipher,
                                on: app.db))
                        if n % 2 == 0 {
                            _ = try await InterventionWorkflow.approve(
                                current, file: firstFile,
                                by: "approver@example.org", now: testClock.now(), on: app.db)
                        } else {
                            try await InterventionStore.update(
                                current, title: "Approver's text \(n)", summary: "",
                                body: "Rewritten \(n).",
                                by: "approver@example.org", now: testClock.now(),
                                cipher: cipher, on: app.db)
                        }
                    }
                }
                try await group.waitForAll()
            }
            draft = try #require(try await InterventionStore.find(draft.id, cipher: cipher, on: app.db))
            file = try #require(try await CaseStore.find(file.id, cipher: cipher, on: app.db))
            let published = try await InterventionWorkflow.publish(
                draft, file: file, by: "approver@example.org",
                now: testClock.now(), on: app.db)
            if case .success(let id) = published {
                let page = try await app.get("/publications/\(id)")
                #expect(
                    page.body.contains(drafterTitle) && !page.body.contains("Approver's text"),
                    "only the drafter's text, approved by the approver")
            }
            // Whatever happened, the approver cannot approve the text she wrote last.
            if draft.status == .draft {
                #expect(draft.lastChangedBy == "approver@example.org")
                let result = try await InterventionWorkflow.approve(
                    draft, file: file, by: "approver@example.org",
                    now: testClock.now(), on: app.db)
                #expect(result == .failure(.samePerson))
            }
        }
    }

    @Test(arguments: Engine.all)
    func theBackOfficeNeedsASecondEditorForEveryPathToThePublic(_ engine: Engine) async throws {
        let clock = MutableClock()
        try await withApp(engine, clock: clock) { app in
            try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let editor = TestBrowser(app)
            try await editor.signIn("editor@example.org")
            let second = try await EditorialTests.secondEditor(app)
            try await editor.get("/office/publications/new")
            var fields = EditorialTests.fields
            // An "urgent intervention" or a typed reference code cannot be made here.
            let typed = try await editor.post(
                "/office/publications/new",
                fields.map {
                    $0.0 == "reference"
                        ? (
                            $0.0,
                            "GTM 001 / 1126 / OBS 101"
                        ) : $0
                }
                    + [("action", "save")])
            #expect(typed.status == .unprocessableEntity && typed.body.contains("never typed here"))
            let urgent = try await editor.post(
                "/office/publications/new",
                fields.map {
                    $0.0 == "type" ? ($0.0, "urgent-intervention") : ($0.0 == "kind" ? ($0.0, "urgent-appeal") : $0)
                } + [("action", "save")])
            #expect(urgent.status == .unprocessableEntity && urgent.body.contains("is made from its case"))
            // The editor alone: publish, schedule and approve are all refused.
            for action in [[("action", "publish")], [("action", "schedule"), ("publish_at", "2026-11-25T09:00")]] {
                let alone = try await editor.post("/office/publications/new", fields + action)
                #expect(alone.status == .unprocessableEntity && alone.body.contains("Save this version first"))
            }
            let saved = try await editor.post("/office/publications/new", fields + [("action", "save")])
            let id = String(try #require(saved.location).dropFirst("/office/publications/".count).prefix { $0 != "?" })
            for action in ["publish", "schedule"] {
                let page = try await editor.post(
                    "/office/publications/\(id)",
                    fields + [
                        ("action", action),
                        ("publish_at", "2026-11-20T09:00")
                    ])
                #expect(
                    page.status == .unprocessableEntity
                        && page.body.contains("has not been approved by a second person"), "\(action)")
            }
            let own = try await EditorialTests.approve(id, by: editor)
            #expect(own.status == .unprocessableEntity && own.body.contains("You made the latest change"))
            // The second editor rewrites and approves her own text: refused; the first approves after her edit.
            fields = fields.map { $0.0 == "body" ? ($0.0, "Rewritten by the second editor.") : $0 }
            try await second.get("/office/publications/\(id)")
            try await second.post("/office/publications/\(id)", fields + [("action", "save")])
            #expect(try await EditorialTests.approve(id, by: second).status == .unprocessableEntity)
            #expect(try await EditorialTests.approve(id, by: editor).location != nil)
            #expect(
                try await second.post(
                    "/office/publications/\(id)",
                    fields + [
                        (
                            "action",
                            "publish"
                        )
                    ]
                ).location != nil)
            #expect(try await app.get("/publications/\(id)").status == .ok)
            // Editing a public text in place is refused; unpublish, edit, and publishing needs a new approval.
            let edited = fields.map { $0.0 == "body" ? ($0.0, "Changed after approval.") : $0 }
            let inPlace = try await editor.post("/office/publications/\(id)", edited + [("action", "save")])
            #expect(inPlace.status == .unprocessableEntity && inPlace.body.contains("This publication is public"))
            #expect(!(try await app.get("/publications/\(id)").body.contains("Changed after approval")))
            try await editor.post("/office/publications/\(id)", fields + [("action", "unpublish")])
            try await editor.post("/office/publications/\(id)", edited + [("action", "save")])
            let again = try await second.post("/office/publications/\(id)", edited + [("action", "publish")])
            #expect(again.status == .unprocessableEntity && again.body.contains("has not been approved"))
            // Scheduled: an approved version is scheduled; an edit afterwards takes it back to draft, and a
            // scheduled row that lost its approval is not published when its time comes.
            #expect(try await EditorialTests.approve(id, by: second).location != nil)
            let scheduled = try await editor.post(
                "/office/publications/\(id)",
                edited + [
                    ("action", "schedule"),
                    ("publish_at", "2026-11-20T09:30")
                ])
            #expect(scheduled.location != nil)
            try await second.post("/office/publications/\(id)", fields + [("action", "save")])
            #expect(try await EditorialStore.find(id, on: app.db)?.status == .draft)
            try await EditorialStore.setStatus(
                id, .scheduled,
                publishAt: Int64(clock.now().timeIntervalSince1970) + 60, now: clock.now(), on: app.db)
            clock.advance(seconds: 120)
            #expect(try await EditorialStore.publishDue(now: clock.now(), on: app.db).isEmpty)
            #expect(try await app.get("/publications/\(id)").status == .notFound)
            #expect(try await EditorialStore.find(id, on: app.db)?.status == .draft)
            let unscheduled = try await app.db.sql.raw(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = "
                    + "'publication.unschedule'"
            )
            .first(decoding: Count.self)
            #expect(unscheduled?.n == 1)
        }
    }

    @Test(arguments: Engine.all)
    func anAdministratorExemptsEventsAndTheChangeIsAudited(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let (_, secret) = try await TestAccounts.create(
                "admin@example.org", [.administrator], secondFactor: true,
                in: app)
            let admin = TestBrowser(app)
            try await admin.signIn("admin@example.org", secret: secret)
            try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let editor = TestBrowser(app)
            try await editor.signIn("editor@example.org")
            #expect(try await editor.get("/office/approvals").status == .forbidden)
            let event =
                EditorialTests.fields.map { $0.0 == "type" ? ($0.0, "event") : $0 } + [
                    (
                        "event_date",
                        "2026-12-01"
                    )
                ]
            try await editor.get("/office/publications/new")
            #expect(
                try await editor.post(
                    "/office/publications/new",
                    event + [
                        (
                            "action",
                            "publish"
                        )
                    ]
                ).status == .unprocessableEntity)
            try await admin.get("/office/approvals")
            #expect(
                try await admin.post(
                    "/office/approvals",
                    [
                        (
                            "exempt",
                            "urgent-intervention"
                        )
                    ]
                ).status == .badRequest)
            try await admin.post("/office/approvals", [("exempt", "event")])
            let published = try await editor.post("/office/publications/new", event + [("action", "publish")])
            #expect(published.location != nil, "an exempt type goes out with one editor")
            let press = try await editor.post(
                "/office/publications/new",
                EditorialTests.fields + [
                    (
                        "action",
                        "publish"
                    )
                ])
            #expect(press.status == .unprocessableEntity, "other types still need a second person")
            let audit = try await app.db.sql.raw(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = "
                    + "'approvals.settings' AND actor = 'admin@example.org'"
            )
            .first(decoding: Count.self)
            #expect(audit?.n == 1)
        }
    }

    /// Review 2: publishing an approved intervention checked its status on the value read before, outside any
    /// transaction, so two presses at once made two public appeals with one reference code (mailed twice).
    @Test(arguments: Engine.all)
    func anApprovedInterventionPressedTwiceAtOnceIsPublishedOnce(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let cipher = app.site.cipher
            let (draft, file) = try await ReferenceCodeTests.draft(1, country: "MX", in: app)
            let approved = try await InterventionWorkflow.approve(
                draft, file: file, by: "approver@example.org",
                now: testClock.now(), on: app.db)
            guard case .success(let code) = approved else { Issue.record("not approved: \(approved)"); return }
            let read = try #require(try await InterventionStore.find(draft.id, cipher: cipher, on: app.db))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        _ = try await InterventionWorkflow.publish(
                            read, file: file, by: "approver@example.org",
                            now: testClock.now(), on: app.db)
                    }
                }
                try await group.waitForAll()
            }
            let copies = try await app.db.sql.raw(
                "SELECT COUNT(*) AS n FROM publications WHERE reference = "
                    + "\(bind: code)"
            ).first(decoding: Count.self)
            #expect(copies?.n == 1, "one public appeal for one approval")
            let audited = try await app.db.sql.raw(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = "
                    + "'intervention.publish'"
            ).first(decoding: Count.self)
            #expect(audited?.n == 1)
        }
    }

    /// Review 2: scheduled publishing checked the approval before it waited for the write gate, so an edit that
    /// landed in between (a save that got the gate first, another instance) went public unapproved.
    @Test(arguments: Engine.all)
    func anEditLandingWhileTheSchedulerWaitsIsNotPublished(_ engine: Engine) async throws {
        let clock = MutableClock()
        try await withApp(engine, clock: clock) { app in
            try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let editor = TestBrowser(app)
            try await editor.signIn("editor@example.org")
            let second = try await EditorialTests.secondEditor(app)
            try await editor.get("/office/publications/new")
            let fields = EditorialTests.fields
            let saved = try await editor.post("/office/publications/new", fields + [("action", "save")])
            let id = String(try #require(saved.location).dropFirst("/office/publications/".count).prefix { $0 != "?" })
            #expect(try await EditorialTests.approve(id, by: second).location != nil)
            #expect(
                try await editor.post(
                    "/office/publications/\(id)",
                    fields + [
                        ("action", "schedule"),
                        ("publish_at", "2026-11-20T09:00")
                    ]
                ).location != nil)
            clock.advance(seconds: 30 * 86_400)
            let now = clock.now(), db = app.db
            await WriteGate.lock.acquire()
            let due = Task { try await EditorialStore.publishDue(now: now, on: db) }
            try await Task.sleep(nanoseconds: 400_000_000)
            var changed = try #require(try await EditorialStore.find(id, on: db)).publication
            changed.body = "Unapproved words."
            try await db.transaction { [changed] tx in
                try await EditorialStore.save(changed, status: .draft, publishAt: nil, now: now, on: tx)
                _ = try await FourEyesStore.recordChange(
                    EditorialFourEyes.subject(id),
                    hash: EditorialFourEyes.hash(changed), by: "editor@example.org", now: now, on: tx)
            }
            WriteGate.lock.release()
            #expect(try await due.value.isEmpty)
            #expect(try await EditorialStore.find(id, on: db)?.status == .draft)
            #expect(!(try await app.get("/publications/\(id)").body.contains("Unapproved words")))
        }
    }

    /// Review 2: the exemption was read from the type the form declares, so one editor could turn an approved
    /// statement (public or draft) into an exempt "event" and rewrite or publish it alone.
    @Test(arguments: Engine.all)
    func relabellingAsAnExemptTypeIsNoWayAroundTheSecondPerson(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let (_, secret) = try await TestAccounts.create(
                "admin@example.org", [.administrator], secondFactor: true,
                in: app)
            let admin = TestBrowser(app)
            try await admin.signIn("admin@example.org", secret: secret)
            try await admin.get("/office/approvals")
            try await admin.post("/office/approvals", [("exempt", "event")])
            try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let editor = TestBrowser(app)
            try await editor.signIn("editor@example.org")
            let second = try await EditorialTests.secondEditor(app)
            try await editor.get("/office/publications/new")
            let fields = EditorialTests.fields
            let saved = try await editor.post("/office/publications/new", fields + [("action", "save")])
            let id = String(try #require(saved.location).dropFirst("/office/publications/".count).prefix { $0 != "?" })
            #expect(try await EditorialTests.approve(id, by: second).location != nil)
            #expect(
                try await editor.post("/office/publications/\(id)", fields + [("action", "publish")])
                    .location != nil)
            let relabelled =
                fields.map {
                    $0.0 == "type"
                        ? ($0.0, "event")
                        : ($0.0 == "body" ? ($0.0, "Unapproved words about Wei.") : $0)
                } + [("event_date", "2026-12-01")]
            let inPlace = try await editor.post("/office/publications/\(id)", relabelled + [("action", "save")])
            #expect(inPlace.status == .unprocessableEntity, "a public statement is not rewritten alone as an event")
            #expect(!(try await app.get("/publications/\(id)").body.contains("Unapproved words")))
            try await editor.post("/office/publications/\(id)", fields + [("action", "unpublish")])
            for action in ["save", "publish"] {
                let alone = try await editor.post("/office/publications/\(id)", relabelled + [("action", action)])
                #expect(alone.status == .unprocessableEntity, "a statement does not become an event (\(action))")
            }
            #expect(try await app.get("/publications/\(id)").status == .notFound)
        }
    }

    @Test(arguments: Engine.all)
    func hopeTheWordIsKeptOnlyByARecordedReasonThatAnEditVoids(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let team = try await CaseTeam.make(app)
            let reporter = TestBrowser(app)
            _ = try await reporter.report(
                person: "Hope Mwangi", description: "a woman defender in Nairobi",
                account: "Threats.")
            let dashboard = try await team.drafter.get("/office/cases")
            let caseID = try #require(firstMatch("/office/cases/(case-[a-z0-9]{12})", in: dashboard.body))
            _ = try await CaseStore.changeStatus(
                caseID, from: .received, to: .verified, outcome: nil, by: "d",
                now: testClock.now(), on: app.db)
            let path = try await Self.draft(
                team.drafter, "/office/cases/\(caseID)",
                title: "Mexico: hope for a release", body: "Mwangi was freed.")
            let own = try await team.drafter.post(
                path,
                [
                    ("action", "not-the-person"), ("occurrence", "hope"),
                    ("reason", "the word")
                ])
            #expect(own.status == .unprocessableEntity && own.body.contains("another case officer records"))
            try await team.approver.get(path)
            let noReason = try await team.approver.post(
                path,
                [
                    ("action", "not-the-person"), ("occurrence", "hope"),
                    ("reason", " ")
                ])
            #expect(noReason.status == .unprocessableEntity && noReason.body.contains("Say why"))
            try await team.approver.get(path)
            try await team.approver.post(
                path,
                [
                    ("action", "not-the-person"), ("occurrence", "hope"),
                    (
                        "reason",
                        "the word, not her name"
                    )
                ])
            let page = try await team.approver.get(path)
            #expect(page.body.contains("Mexico: hope for a release") && page.body.contains("the word, not her name"))
            // An edit voids the record: the word is replaced again.
            try await team.drafter.post(
                path,
                [
                    ("action", "save"), ("title", "Mexico: hope for a release"),
                    ("summary", ""), ("body", "Freed.")
                ])
            let after = try await team.approver.get(path)
            #expect(
                after.body.contains("Mexico: a woman defender in Nairobi for a release")
                    && !after.body.contains("the word, not her name"))
            let audit = try await app.db.sql.raw(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = "
                    + "'redaction.not-the-person'"
            )
            .first(decoding: Count.self)
            #expect(audit?.n == 1)
        }
    }
}
