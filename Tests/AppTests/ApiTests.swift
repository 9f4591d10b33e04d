import Fluent
import Foundation
import ObservatoryCore
import PropertyBased
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import App

/// One request to the API through the whole app (every middleware); the body parsed as JSON when it is.
struct ApiAnswer {
    let status: HTTPStatus, headers: HTTPHeaders, body: String
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
    var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }
    var isProblem: Bool {
        headers.first(name: .contentType) == "application/problem+json" && json["status"] as? Int == Int(status.code)
            && json["title"] is String && json["detail"] is String && json["type"] is String
    }
}

func api(
    _ app: Application, _ path: String, token: String? = nil,
    headers: HTTPHeaders = [:]
) async throws -> ApiAnswer {
    try await api(app, .GET, path, token: token, headers: headers)
}

func api(
    _ app: Application, _ method: HTTPMethod, _ path: String, token: String? = nil,
    headers: HTTPHeaders = [:], json: String? = nil
) async throws -> ApiAnswer {
    var headers = headers
    if let token { headers.replaceOrAdd(name: .authorization, value: "Bearer " + token) }
    if json != nil { headers.replaceOrAdd(name: .contentType, value: "application/json") }
    var answer: ApiAnswer? = nil
    let body = json.map { ByteBuffer(string: $0) }
    try await app.testing().test(method, path, headers: headers, body: body) { res async in
        answer = ApiAnswer(status: res.status, headers: res.headers, body: res.body.string)
    }
    return answer!
}

/// A token made straight in the store for `email` (the pages' own flow is tested in `tokensThroughTheAccountPages`).
func makeToken(
    _ app: Application, _ email: String, roles: Set<Role> = [.editor],
    scopes: Set<AccessToken.Scope> = [.publicationsWrite, .publicationsRead],
    days: Int = 30
) async throws -> String {
    var account = try await AccountStore.find(email: email, on: app.db)
    if account == nil { account = try await TestAccounts.create(email, roles, in: app).account }
    let owner = account!
    let now = Int64(app.site.clock.now().timeIntervalSince1970)
    return try await app.db.write { tx in
        try await AccessTokenStore.create(
            for: owner, name: "test", scopes: scopes,
            expiresAt: AccessToken.expiry(days: days, from: now)!, now: now, on: tx
        ).token
    }
}

@Suite struct ApiTests {
    static let canary = "CANARY-unpublished-7f3a"

    /// Published items of every kind, and a draft, a scheduled and a withdrawn (unpublished) publication carrying
    /// the canary in every text field, linked as translation and follow-up of public ones.
    static func seed(_ app: Application) async throws {
        try await store(
            [
                publication(
                    "pub-1", .urgentIntervention, kind: .urgentAppeal, on: "2026-10-01",
                    title: "Mexico: defender threatened",
                    body: "Tortured in custody.", reference: "MEX 001 / 1026 / OBS 001"),
                publication("pub-2", on: "2026-10-02", title: "Mexico: follow-up", followUpOf: "pub-1"),
                publication("pub-3", language: .fr, on: "2026-10-03", title: "Mexique : suivi", translationOf: "pub-2"),
                publication(
                    "pub-4", .report, on: "2026-09-01", title: "Colombia report", countries: ["CO"],
                    programmes: [.urgentCampaigns])
            ], in: app)
        let secret = { (id: String) in
            publication(
                id, on: "2026-10-05", title: "\(canary) title \(id)", body: "\(canary) body tortured",
                countries: ["CU"], followUpOf: "pub-1", translationOf: "pub-2")
        }
        try await store([secret("draft-1")], status: "draft", in: app)
        try await store([secret("sched-1")], status: "scheduled", in: app)
        try await store([secret("gone-1")], in: app)
        try await EditorialStore.setStatus("gone-1", .draft, publishAt: nil, now: testClock.now(), on: app.db)
        _ = try await PublicationStore.upsert(
            [ArchiveOrganisation(id: "org-1", name: "Comité de Defensa Oaxaca")],
            on: app.db)
    }

    static let readPaths = [
        "/api/v1/publications", "/api/v1/publications?country=cu", "/api/v1/publications?country=mx&limit=1",
        "/api/v1/publications?type=statement&language=en&year=2026&programme=human-rights-defenders",
        "/api/v1/publications/pub-1", "/api/v1/publications/pub-2", "/api/v1/publications/pub-3",
        "/api/v1/publications/draft-1", "/api/v1/publications/sched-1", "/api/v1/publications/gone-1",
        "/api/v1/countries", "/api/v1/search?q=tortured", "/api/v1/search?q=CANARY", "/api/v1/search?q=canary*",
        "/api/v1/organisations", "/api/v1/organisations/org-1", "/api/v1/missions"
    ]

    @Test(arguments: Engine.all)
    func unpublishedNeverAppear(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await Self.seed(app)
            let absent = try await api(app, "/api/v1/publications/never-was")
            for path in Self.readPaths {
                let answer = try await api(app, path)
                #expect(!answer.body.contains(Self.canary), "\(path)")
                if answer.status == .ok {
                    #expect(
                        !answer.body.contains("draft-1") && !answer.body.contains("sched-1")
                            && !answer.body.contains("gone-1"), "\(path)")
                } else {
                    // Unpublished is answered exactly as never existed (the message repeats the asked id only).
                    let id = String(path.split(separator: "/").last ?? "")
                    #expect(
                        answer.status == .notFound
                            && answer.body
                                == absent.body.replacingOccurrences(
                                    of: "never-was", with: id),
                        "\(path): \(answer.status)")
                }
            }
            let list = try await api(app, "/api/v1/publications")
            #expect(list.items.map { $0["id"] as? String } == ["pub-3", "pub-2", "pub-1", "pub-4"])
            #expect(list.json["total"] as? Int == 4)
            #expect(((list.json["facets"] as? [String: Any])?["country"] as? [String: Int])?["CU"] == nil)
            let countries = try await api(app, "/api/v1/countries").items.compactMap { $0["code"] as? String }
            #expect(countries == ["CO", "MX"], "Cuba has only unpublished items")
            let one = try await api(app, "/api/v1/publications/pub-2").json
            let chain = (one["follow_up_chain"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            #expect(chain == ["pub-1", "pub-2"])
            #expect((one["translations"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["pub-3"])
            #expect(one["follow_up_of"] as? String == "pub-1")
            let missing = try await api(app, "/api/v1/publications/draft-1")
            #expect(missing.status == .notFound && missing.isProblem)
            let hit = try await api(app, "/api/v1/search?q=tortured").items
            #expect(hit.map { $0["id"] as? String } == ["pub-1"])
            #expect((hit.first?["snippet_html"] as? String)?.contains("<mark>Tortured</mark>") == true)
        }
    }

    /// Walking the pages gives the whole list once, in order, however many newer publications arrive meanwhile.
    @Test(arguments: Engine.all)
    func cursorPagingIsStableUnderInserts(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            var seed =
                UInt64(ProcessInfo.processInfo.environment["API_TEST_SEED"] ?? "")
                ?? UInt64.random(in: 1...999_999)
            print("cursorPagingIsStableUnderInserts seed \(seed)")
            func next() -> UInt64 { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return seed >> 33 }
            let originals = (0..<57).map { n in
                publication("p\(n)", on: "2026-0\(1 + Int(next() % 9))-1\(Int(next() % 10))")
            }
            try await store(originals, in: app)
            let expected = try await api(app, "/api/v1/publications?limit=100").items.compactMap { $0["id"] as? String }
            #expect(expected.count == 57)
            var seen: [String] = [], cursor: String? = nil, inserted = 0
            repeat {
                let page = try await api(
                    app,
                    "/api/v1/publications?limit=\(1 + Int(next() % 9))"
                        + (cursor.map { "&cursor=" + $0 } ?? ""))
                #expect(page.status == .ok)
                seen += page.items.compactMap { $0["id"] as? String }
                cursor = page.json["next_cursor"] as? String
                // Newer ones (and one on the same day as the page's end) arrive between pages.
                inserted += 1
                try await store([publication("new-\(inserted)", on: "2026-11-1\(inserted % 10)")], in: app)
            } while cursor != nil
            #expect(seen.filter { !$0.hasPrefix("new-") } == expected)
            #expect(Set(seen).count == seen.count, "no publication twice")
        }
    }

    @Test func badCursorsAndParametersAreProblems() async throws {
        try await withApp(.sqlite) { app in
            app.apiLimiter = ApiRateLimiter(limits: .init(anonymous: 100_000))
            try await Self.seed(app)
            let good = try #require(try await api(app, "/api/v1/publications?limit=1").json["next_cursor"] as? String)
            // Tampered: every one-character change of a real cursor is refused or names a real position.
            for index in good.indices {
                for replacement in ["A", "_", "=", "%", "."] where String(good[index]) != replacement {
                    var tampered = good
                    tampered.replaceSubrange(index...index, with: replacement)
                    let answer = try await api(
                        app,
                        "/api/v1/publications?cursor="
                            + (tampered.addingPercentEncoding(
                                withAllowedCharacters: .alphanumerics) ?? ""))
                    #expect(
                        answer.status == .ok
                            || (answer.status == .badRequest && answer.isProblem
                                && answer.json["parameter"] as? String == "cursor"),
                        "\(tampered): \(answer.status)")
                }
            }
            for (path, parameter) in [
                ("/api/v1/publications?colour=red", "colour"),
                ("/api/v1/publications?type=x", "type"),
                ("/api/v1/publications?type=report&type=event", "type"),
                ("/api/v1/publications?limit=0", "limit"),
                ("/api/v1/publications?limit=101", "limit"),
                ("/api/v1/publications?year=1800", "year"), ("/api/v1/countries?x=1", "x"),
                ("/api/v1/search?q=", "q"), ("/api/v1/search?q=a&page=0", "page"),
                ("/api/v1/publications?page=2", "page"),
                ("/api/v1/publications?country=zz", "country")
            ] {
                let answer = try await api(app, path)
                #expect(
                    answer.status == .badRequest && answer.isProblem
                        && answer.json["parameter"] as? String == parameter,
                    "\(path): \(answer.status) \(answer.body)")
            }
            // Anything at all in names and values: never a 5xx, always JSON (a 200 or a problem).
            let endpoints = ["/api/v1/publications", "/api/v1/search", "/api/v1/organisations", "/api/v1/countries"]
            await propertyCheck(count: 200, input: hostileText, hostileText, Gen.int(in: 0...3)) { name, value, which in
                let path = endpoints[which] + "?" + encodedAll(name) + "=" + encodedAll(value)
                let answer = try await api(app, path)
                #expect(answer.status.code < 500, "\(path)")
                #expect(
                    answer.status == .ok ? answer.json["items"] != nil : answer.isProblem,
                    "\(path): \(answer.body)")
                #expect(answer.headers.first(name: "Content-Security-Policy") != nil)
            }
            await propertyCheck(count: 100, input: hostileText) { raw in
                let answer = try await api(app, "/api/v1/publications?cursor=" + encodedAll(raw))
                #expect(
                    answer.status == .badRequest
                        || (raw.trimmingCharacters(in: .whitespaces).isEmpty
                            && answer.status == .ok),
                    "\(raw.debugDescription): \(answer.status)")
                #expect(answer.status == .ok || answer.isProblem)
            }
        }
    }

    @Test func httpSemantics() async throws {
        try await withApp(.sqlite) { app in
            try await Self.seed(app)
            let first = try await api(app, "/api/v1/publications/pub-1")
            let etag = try #require(first.headers.first(name: .eTag))
            #expect(first.headers.first(name: "Access-Control-Allow-Origin") == "*")
            #expect(
                first.headers.first(name: "Content-Security-Policy")
                    == SecurityHeadersMiddleware.contentSecurityPolicy)
            #expect(first.headers.first(name: .contentType) == "application/json; charset=utf-8")
            for match in [etag, "W/\(etag)", "\"other\", \(etag)", "*"] {
                let again = try await api(app, "/api/v1/publications/pub-1", headers: ["If-None-Match": match])
                #expect(again.status == .notModified && again.body.isEmpty && again.headers.first(name: .eTag) == etag)
            }
            let stale = try await api(app, "/api/v1/publications/pub-1", headers: ["If-None-Match": "\"stale\""])
            #expect(stale.status == .ok)
            // A change makes a new ETag.
            try await store(
                [
                    publication(
                        "pub-1", .urgentIntervention, kind: .urgentAppeal, on: "2026-10-01",
                        title: "Mexico: defender threatened again",
                        reference: "MEX 001 / 1026 / OBS 001")
                ],
                in: app)
            #expect(try await api(app, "/api/v1/publications/pub-1", headers: ["If-None-Match": etag]).status == .ok)
            // Preflight from another site, for reads only.
            let preflight = try await api(
                app, .OPTIONS, "/api/v1/publications",
                headers: [
                    "Origin": "https://news.example",
                    "Access-Control-Request-Method": "GET"
                ])
            #expect(
                preflight.status == .noContent
                    && preflight.headers.first(name: "Access-Control-Allow-Origin") == "*")
            #expect(preflight.headers.first(name: "Access-Control-Allow-Methods") == "GET, HEAD, OPTIONS")
            #expect(try await api(app, .OPTIONS, "/api/v1/nothing").status == .notFound)
            let delete = try await api(app, .DELETE, "/api/v1/publications/pub-1")
            #expect(
                delete.status == .methodNotAllowed && delete.isProblem
                    && delete.headers.first(name: "Allow") == "GET, HEAD, PATCH, OPTIONS")
            let html = try await api(app, "/api/v1/countries", headers: ["Accept": "text/html"])
            #expect(html.status == .notAcceptable && html.isProblem)
            #expect(
                try await api(app, "/api/v1/countries", headers: ["Accept": "text/html, application/json;q=0.5"])
                    .status == .ok)
            let unknown = try await api(app, "/api/v1/nothing")
            #expect(unknown.status == .notFound && unknown.isProblem)
            // Writes from another site are refused before anything (same-origin rule), as problem+json.
            let token = try await makeToken(app, "editor@example.org")
            let cross = try await api(
                app, .POST, "/api/v1/publications", token: token,
                headers: ["Origin": "https://evil.example"], json: "{}")
            #expect(cross.status == .forbidden && cross.isProblem)
        }
    }

    @Test(arguments: Engine.all)
    func tokensThroughTheAccountPages(_ engine: Engine) async throws {
        let clock = MutableClock()
        try await withApp(engine, clock: clock) { app in
            try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let browser = TestBrowser(app)
            try await browser.signIn("editor@example.org", clock: clock)
            #expect(try await browser.get("/account/tokens").status == .ok)
            let fields = [("name", "newsroom importer"), ("scopes", "publications:write"), ("days", "30")]
            let wrong = try await browser.post("/account/tokens", fields + [("current", "not my password at all")])
            #expect(wrong.status == .unprocessableEntity && !wrong.body.contains(AccessToken.prefix))
            let noExpiry = try await browser.post(
                "/account/tokens",
                [
                    ("name", "x"), ("scopes", "publications:write"),
                    ("days", "9999"),
                    ("current", TestAccounts.password)
                ])
            #expect(noExpiry.status == .unprocessableEntity && noExpiry.body.contains("at most a year"))
            let made = try await browser.post("/account/tokens", fields + [("current", TestAccounts.password)])
            #expect(made.status == .created)
            let token = try #require(
                EditorialTests.matches("<code id=\"token-value\">([^<]+)</code>", in: made.body)
                    .first?.first)
            #expect(AccessToken.isWellFormed(token))
            let list = try await browser.get("/account/tokens")
            #expect(
                !list.body.contains(token) && list.body.contains("newsroom importer")
                    && list.body.contains("never"))
            struct Row: Decodable { let token_hash: String, scopes: String }
            let rows = try await app.db.sql.raw("SELECT token_hash, scopes FROM access_tokens").all(decoding: Row.self)
            #expect(
                rows.count == 1 && rows[0].token_hash == AccessToken.hash(token)
                    && rows[0].scopes == "publications:write")
            let trail = try await app.db.sql.raw("SELECT action, detail FROM audit_log").all()
                .map {
                    try $0.decode(column: "action", as: String.self) + " "
                        + $0.decode(column: "detail", as: String.self)
                }
            #expect(trail.contains { $0.hasPrefix("token.create") } && !trail.joined().contains(token))
            // Works, with the scope it has and no other.
            let body =
                "{\"title\": \"Mexico: draft from the newsroom\", \"countries\": [\"MX\"], "
                + "\"date\": \"2026-11-20\"}"
            let created = try await api(app, .POST, "/api/v1/publications", token: token, json: body)
            #expect(created.status == .created, "\(created.body)")
            let read = try await api(app, "/api/v1/drafts/\(created.json["id"] as? String ?? "")", token: token)
            #expect(read.status == .forbidden && read.isProblem, "no publications:read scope")
            #expect(try await browser.get("/account/tokens").body.contains("never") == false, "last use shown")
            // Tampered, in the query string, in a second header, as Basic: refused.
            var tampered = Array(token)
            tampered[tampered.count - 1] = tampered.last == "A" ? "B" : "A"
            for bad in [String(tampered), String(token.dropLast()), token + "A", token.uppercased()] {
                let answer = try await api(app, .POST, "/api/v1/publications", token: bad, json: body)
                #expect(
                    answer.status == .unauthorized && answer.isProblem
                        && answer.headers.first(name: "WWW-Authenticate")?.hasPrefix("Bearer") == true)
            }
            for path in [
                "/api/v1/publications?access_token=\(token)", "/api/v1/countries?x=\(token)",
                "/api/v1/countries?t=" + encodedAll(token)
            ] {
                let answer = try await api(app, path)
                #expect(
                    answer.status == .badRequest && answer.isProblem && answer.body.contains("Authorization"),
                    "\(path)")
            }
            let basic = try await api(app, "/api/v1/countries", headers: ["Authorization": "Basic \(token)"])
            #expect(basic.status == .unauthorized)
            // Someone else cannot revoke it; its owner can, and then it is dead.
            try await TestAccounts.create("other@example.org", [.editor], in: app)
            let other = TestBrowser(app)
            try await other.signIn("other@example.org", clock: clock)
            try await other.get("/account/tokens")
            struct IDRow: Decodable { let id: String }
            let id = try #require(
                try await app.db.sql.raw("SELECT id FROM access_tokens")
                    .first(decoding: IDRow.self)?.id)
            #expect(try await other.post("/account/tokens/\(id)/revoke", []).status == .notFound)
            #expect(try await api(app, .POST, "/api/v1/publications", token: token, json: body).status == .created)
            #expect(try await browser.post("/account/tokens/\(id)/revoke", []).status == .seeOther)
            let revoked = try await api(app, .POST, "/api/v1/publications", token: token, json: body)
            #expect(revoked.status == .unauthorized && revoked.body.contains("revoked"))
            // Expiry: a fresh token stops at its expiry.
            let second = try await makeToken(app, "other@example.org", days: 7)
            #expect(try await api(app, "/api/v1/countries", token: second).status == .ok)
            clock.advance(seconds: 7 * 86_400)
            let expired = try await api(app, "/api/v1/countries", token: second)
            #expect(expired.status == .unauthorized && expired.body.contains("expired"))
        }
    }

    @Test(arguments: Engine.all)
    func roleChangeAndDisablingEndTokens(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let a = try await makeToken(app, "a@example.org"), b = try await makeToken(app, "b@example.org")
            let c = try await makeToken(app, "c@example.org", roles: [.caseOfficer], scopes: [.publicationsWrite])
            for token in [a, b] { #expect(try await api(app, "/api/v1/countries", token: token).status == .ok) }
            let accountA = try #require(try await AccountStore.find(email: "a@example.org", on: app.db))
            try await AccountStore.update(
                accountA.id, roles: [.editor, .caseOfficer], organisationID: nil,
                disabled: false, on: app.db)
            let accountB = try #require(try await AccountStore.find(email: "b@example.org", on: app.db))
            try await AccountStore.update(
                accountB.id, roles: [.editor], organisationID: nil, disabled: true,
                on: app.db)
            #expect(try await api(app, "/api/v1/countries", token: a).status == .unauthorized)
            // Review r12, finding 2: the roles given back, the token stays dead (revoked by the change).
            try await AccountStore.update(
                accountA.id, roles: [.editor], organisationID: nil, disabled: false, on: app.db)
            #expect(try await api(app, "/api/v1/countries", token: a).status == .unauthorized)
            #expect(try await api(app, "/api/v1/countries", token: b).status == .unauthorized)
            // Disabling revokes the tokens (review r11, finding 1): enabled again, the account's old token stays dead.
            try await AccountStore.update(
                accountB.id, roles: [.editor], organisationID: nil, disabled: false, on: app.db)
            #expect(try await api(app, "/api/v1/countries", token: b).status == .unauthorized)
            // A case officer's token (made straight in the store, past the page's rule) still cannot write
            // publications.
            let partner = try await api(app, .POST, "/api/v1/publications", token: c, json: "{}")
            #expect(partner.status == .forbidden && partner.isProblem)
        }
    }

    /// Four eyes through the API: a token's text never goes public on its own author's word, by any path.
    @Test(arguments: Engine.all)
    func fourEyesCannotBeBypassed(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let token = try await makeToken(app, "editor@example.org")
            let body =
                "{\"title\": \"Guatemala: statement\", \"countries\": [\"GT\"], \"date\": \"2026-11-20\", "
                + "\"body\": \"Text.\", \"type\": \"statement\"}"
            // Straight to public on creation: refused, nothing stored.
            let direct = try await api(
                app, .POST, "/api/v1/publications", token: token,
                json: String(body.dropLast()) + ", \"status\": \"published\"}")
            #expect(direct.status == .forbidden && direct.isProblem)
            let scheduled = try await api(
                app, .POST, "/api/v1/publications", token: token,
                json: String(body.dropLast()) + ", \"status\": \"scheduled\", "
                    + "\"publish_at\": \"2026-12-01T09:00\"}")
            #expect(scheduled.status == .forbidden)
            struct Count: Decodable { let n: Int }
            #expect(
                try await app.db.sql.raw("SELECT COUNT(*) AS n FROM publications")
                    .first(decoding: Count.self)?.n == 0)
            let created = try await api(app, .POST, "/api/v1/publications", token: token, json: body)
            let id = try #require(created.json["id"] as? String)
            #expect(created.status == .created && created.json["status"] as? String == "draft")
            for attempt in [
                "{\"status\": \"published\"}",
                "{\"status\": \"scheduled\", \"publish_at\": \"2026-12-01T09:00\"}",
                "{\"reference\": \"GTM 001 / 1126 / OBS 001\"}", "{\"type\": \"urgent-intervention\"}",
                "{\"status\": \"published\", \"approved\": \"yes\"}"
            ] {
                let answer = try await api(app, .PATCH, "/api/v1/publications/\(id)", token: token, json: attempt)
                #expect(answer.status.code >= 400 && answer.isProblem, "\(attempt): \(answer.status)")
            }
            #expect(try await api(app, "/api/v1/publications/\(id)").status == .notFound)
            // Its author cannot approve it in the office either.
            let author = TestBrowser(app)
            try await author.signIn("editor@example.org")
            _ = try await EditorialTests.approve(id, by: author)
            #expect(
                try await api(
                    app, .PATCH, "/api/v1/publications/\(id)", token: token,
                    json: "{\"status\": \"published\"}"
                ).status == .forbidden)
            // Another editor approves that exact version: now the token may publish it.
            let second = try await EditorialTests.secondEditor(app)
            _ = try await EditorialTests.approve(id, by: second)
            let published = try await api(
                app, .PATCH, "/api/v1/publications/\(id)", token: token,
                json: "{\"status\": \"published\"}")
            #expect(published.status == .ok && published.json["status"] as? String == "published", "\(published.body)")
            #expect(try await api(app, "/api/v1/publications/\(id)").status == .ok)
            // A public text does not change on the token's word.
            let edit = try await api(
                app, .PATCH, "/api/v1/publications/\(id)", token: token,
                json: "{\"body\": \"Changed after approval.\"}")
            #expect(edit.status == .forbidden)
            #expect(try await api(app, "/api/v1/publications/\(id)").json["body"] as? String == "Text.")
            // Changed and re-published in one request: refused too.
            _ = try await api(app, .PATCH, "/api/v1/publications/\(id)", token: token, json: "{\"status\": \"draft\"}")
            let sneaky = try await api(
                app, .PATCH, "/api/v1/publications/\(id)", token: token,
                json: "{\"body\": \"Sneaky.\", \"status\": \"published\"}")
            #expect(sneaky.status == .forbidden)
            let actions = try await app.db.sql.raw("SELECT action, detail FROM audit_log WHERE record_id = \(bind: id)")
                .all().map {
                    try $0.decode(column: "action", as: String.self) + " "
                        + $0.decode(column: "detail", as: String.self)
                }
            #expect(actions.filter { $0.contains("API token") }.count == 3, "create, publish, unpublish: \(actions)")
            #expect(try await AuditLog.verify(on: app.db).summary.firstBreak == nil)
        }
    }

    @Test(arguments: Engine.all)
    func invalidWritesNameTheFieldAndStoreNothing(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let token = try await makeToken(app, "editor@example.org")
            for (json, field) in [
                ("{\"title\": \"\", \"countries\": [\"MX\"]}", "title"),
                ("{\"title\": \"A\", \"countries\": [\"Atlantis\"]}", "countries"),
                ("{\"title\": \"A\", \"countries\": [\"MX\"], \"date\": \"yesterday\"}", "date"),
                ("{\"title\": 5}", "title"), ("{\"colour\": \"red\"}", "colour"),
                (
                    "{\"title\": \"A\", \"countries\": [\"MX\"], \"follow_up_of\": \"nope\"}",
                    "follow_up_of"
                )
            ] {
                let answer = try await api(app, .POST, "/api/v1/publications", token: token, json: json)
                #expect(
                    answer.status == .unprocessableEntity && answer.isProblem
                        && (answer.json["errors"] as? [String: String])?[field] != nil, "\(json): \(answer.body)")
            }
            #expect(try await api(app, .POST, "/api/v1/publications", token: token, json: "[1]").status == .badRequest)
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .authorization, value: "Bearer " + token)
            headers.replaceOrAdd(name: .contentType, value: "text/plain")
            #expect(try await api(app, .POST, "/api/v1/publications", headers: headers).status == .unsupportedMediaType)
            struct Count: Decodable { let n: Int }
            #expect(
                try await app.db.sql.raw("SELECT COUNT(*) AS n FROM publications")
                    .first(decoding: Count.self)?.n == 0)
        }
    }

    /// Dozens of simultaneous writes to one publication: each is applied whole or refused (409), never lost
    /// silently; the audit trail has one entry per applied write, and its chain holds.
    @Test(arguments: Engine.all)
    func simultaneousWrites(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let token = try await makeToken(app, "editor@example.org")
            let created = try await api(
                app, .POST, "/api/v1/publications", token: token,
                json: "{\"title\": \"Start\", \"countries\": [\"MX\"]}")
            let id = try #require(created.json["id"] as? String)
            let statuses = try await withThrowingTaskGroup(of: (Int, HTTPStatus).self) { group in
                for n in 0..<30 {
                    group.addTask {
                        (
                            n,
                            try await api(
                                app, .PATCH, "/api/v1/publications/\(id)", token: token,
                                json: "{\"title\": \"Title \(n)\", \"summary\": \"Summary \(n)\"}"
                            ).status
                        )
                    }
                    group.addTask {
                        (
                            100 + n,
                            try await api(
                                app, .POST, "/api/v1/publications", token: token,
                                json: "{\"title\": \"New \(n)\", \"countries\": [\"MX\"]}"
                            ).status
                        )
                    }
                }
                return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            #expect(statuses.values.allSatisfy { [.ok, .created, .conflict].contains($0) }, "\(statuses)")
            #expect((100..<130).allSatisfy { statuses[$0] == .created })
            let applied = (0..<30).filter { statuses[$0] == .ok }
            #expect(!applied.isEmpty)
            let final = try await api(app, "/api/v1/drafts/\(id)", token: token).json
            let title = try #require(final["title"] as? String)
            let n = try #require(Int(title.dropFirst("Title ".count)))
            #expect(applied.contains(n) && final["summary"] as? String == "Summary \(n)", "one write whole")
            struct Count: Decodable { let n: Int }
            let updates = try await app.db.sql.raw(
                """
                SELECT COUNT(*) AS n FROM audit_log WHERE record_id = \(bind: id) AND action = 'publication.update'
                """
            ).first(decoding: Count.self)?.n
            #expect(updates == applied.count)
            #expect(try await AuditLog.verify(on: app.db).summary.firstBreak == nil)
        }
    }

    /// A flood from one address, or with made-up tokens, spends only that address's budget: an honest token used
    /// from the very same address, and anyone elsewhere, are still answered.
    @Test func rateLimitsCannotBeTurnedAgainstOthers() async throws {
        try await withApp(.sqlite, trustProxy: true) { app in
            app.apiLimiter = ApiRateLimiter(limits: .init(anonymous: 20, tokenReads: 40, tokenWrites: 5))
            let honest = try await makeToken(app, "editor@example.org")
            let from = { (address: String) -> HTTPHeaders in ["X-Forwarded-For": address] }
            for n in 0..<30 {
                _ = try await api(
                    app, "/api/v1/countries", token: n.isMultiple(of: 2) ? nil : AccessToken.make().token,
                    headers: from("203.0.113.9"))
            }
            let flooded = try await api(app, "/api/v1/countries", headers: from("203.0.113.9"))
            #expect(
                flooded.status == .tooManyRequests && flooded.isProblem
                    && flooded.headers.first(name: "Retry-After") != nil)
            #expect(try await api(app, "/api/v1/countries", token: honest, headers: from("203.0.113.9")).status == .ok)
            #expect(try await api(app, "/api/v1/countries", headers: from("198.51.100.7")).status == .ok)
            // A token's own budget is its own: spending it does not touch the address's.
            for _ in 0..<5 {
                _ = try await api(
                    app, .POST, "/api/v1/publications", token: honest, headers: from("198.51.100.8"),
                    json: "{\"title\": \"T\", \"countries\": [\"MX\"]}")
            }
            #expect(
                try await api(
                    app, .POST, "/api/v1/publications", token: honest, headers: from("198.51.100.8"),
                    json: "{\"title\": \"T\", \"countries\": [\"MX\"]}"
                ).status == .tooManyRequests)
            #expect(try await api(app, "/api/v1/countries", headers: from("198.51.100.8")).status == .ok)
        }
    }

    /// The description and the app agree: every registered `/api/v1` route is described with its method and every
    /// described operation is registered; every answer of the running app validates against its schema.
    @Test(arguments: Engine.all)
    func openAPIDescriptionMatchesTheApp(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await Self.seed(app)
            let served = try await api(app, "/api/v1/openapi.json")
            #expect(served.status == .ok)
            let document = served.json
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            var described: Set<String> = []
            for (path, operations) in paths {
                for method in operations.keys { described.insert(method.uppercased() + " " + path) }
            }
            var registered: Set<String> = []
            for route in app.routes.all where route.path.first?.description == "api" {
                let path =
                    "/"
                    + route.path.map { component -> String in
                        if case .parameter(let name) = component { return "{\(name)}" }
                        return component.description
                    }.joined(separator: "/")
                registered.insert(route.method.rawValue + " " + path)
            }
            #expect(registered == described)
            #expect(Set(ApiRoutes.all.map { $0.method.rawValue + " " + $0.openAPIPath }) == described)
            let validator = JSONSchemaValidator(document: document)
            func check(_ answer: ApiAnswer, _ path: String, _ method: String = "get") {
                let template = paths.keys.first { template in
                    let a = template.split(separator: "/"), b = path.split(separator: "?")[0].split(separator: "/")
                    return a.count == b.count && zip(a, b).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
                }
                let operation = template.flatMap { paths[$0]?[method] as? [String: Any] }
                let responses = operation?["responses"] as? [String: Any] ?? [:]
                let response = responses[String(answer.status.code)] as? [String: Any]
                #expect(response != nil, "\(method) \(path): \(answer.status) is not described")
                let media = answer.isProblem ? "application/problem+json" : "application/json"
                guard
                    let schema = ((response?["content"] as? [String: Any])?[media] as? [String: Any])?["schema"]
                        as? [String: Any]
                else { return }
                let value = try? JSONSerialization.jsonObject(with: Data(answer.body.utf8))
                let problems = validator.validate(value ?? NSNull(), against: schema)
                #expect(problems.isEmpty, "\(path): \(problems)")
            }
            for path in Self.readPaths + [
                "/api/v1/publications?colour=1", "/api/v1/search?q=",
                "/api/v1/publications?cursor=v1.xx"
            ] {
                check(try await api(app, path), path)
            }
            let token = try await makeToken(app, "editor@example.org")
            let created = try await api(
                app, .POST, "/api/v1/publications", token: token,
                json: "{\"title\": \"Draft\", \"countries\": [\"MX\"]}")
            check(created, "/api/v1/publications", "post")
            let id = created.json["id"] as? String ?? ""
            check(
                try await api(app, .PATCH, "/api/v1/publications/\(id)", token: token, json: "{\"summary\": \"S\"}"),
                "/api/v1/publications/\(id)", "patch")
            check(
                try await api(app, .PATCH, "/api/v1/publications/\(id)", token: token, json: "{\"title\": 1}"),
                "/api/v1/publications/\(id)", "patch")
            check(try await api(app, "/api/v1/drafts/\(id)", token: token), "/api/v1/drafts/\(id)")
        }
    }
}

/// Review r12, finding 3 (r13, finding 6): API writes waiting to write while their token is revoked store nothing:
/// the token is read again inside the write.
@Suite struct ApiWriteRaceTests {
    @Test(arguments: Engine.all)
    func anApiWriteInFlightWhenItsTokenIsRevokedStoresNothing(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let token = try await makeToken(app, "e@example.org")
            #expect(try await api(app, "/api/v1/countries", token: token).status == .ok)
            let account = try #require(try await AccountStore.find(email: "e@example.org", on: app.db))
            let requests: [@Sendable () async throws -> HTTPStatus] = (0..<4).map { n in
                {
                    let body =
                        "{\"title\": \"Mexico: draft \(n) in flight\", \"countries\": [\"MX\"], "
                        + "\"date\": \"2026-11-20\"}"
                    return try await api(app, .POST, "/api/v1/publications", token: token, json: body).status
                }
            }
            let results = try await AccountRaceTests.queuedBehind(app, requests) { tx in
                try await AccessTokenStore.revokeAll(
                    userID: account.id, because: .reset, now: testClock.now().seconds, on: tx)
            }
            #expect(results.allSatisfy { $0 == .unauthorized }, "\(results.map(\.code))")
            let stored = try await app.db.sql.raw(
                "SELECT COUNT(*) AS n FROM publications WHERE title LIKE '%in flight'"
            ).first()?.decode(column: "n", as: Int.self)
            #expect(stored == 0)
        }
    }
}
