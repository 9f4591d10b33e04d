import Fluent
import Foundation
import ObservatoryCore
import PropertyBased
import Testing
import Vapor

@testable import App

/// What an attacker puts where a header comes from (`to=`, `next=`, a language code, a path): slashes and
/// backslashes, controls a browser drops, their percent-encoded forms, schemes and hosts, non-ASCII look-alikes.
let hostilePieces: [String] = [
    "/", "//", "\\", "/\\", "\t", "\r", "\n", "\r\n", "\u{0}", "\u{7F}", "\u{85}", "\u{1B}", "\u{0B}",
    "%09", "%0a", "%0D", "%0d%0a", "%00", "%2f", "%2F", "%5c", "%252f", "%25", "%", "%zz", "%E2%80%A8",
    "evil.example", "@evil.example", "http:", "https://evil.example", "javascript:alert(1)", "//evil.example", ":",
    ".", "..", "?", "#", "&", "=", " ", "é", "／", "\u{2028}", "Set-Cookie: a=b", "Location: //evil.example",
    "publications", "fr", "office", "search?q=a"
]
let hostileText = Gen<String?>.element(of: hostilePieces).map { $0! }.array(of: 0...8).map { $0.joined() }
let hostileTarget = Gen.oneOf(hostileText, hostileText.map { "/" + $0 })

/// Every byte but the unreserved ones percent-encoded: what reaches the app is exactly `text`.
func encodedAll(_ text: String) -> String {
    text.utf8.map { byte in
        let c = Character(UnicodeScalar(byte))
        let unreserved = byte < 0x80 && (c.isLetter || c.isNumber || "-._~".contains(c))
        return unreserved ? String(c) : String(format: "%%%02X", byte)
    }.joined()
}

/// How a browser reads a `Location` on this site (WHATWG URL): controls and spaces trimmed at the ends, tabs and
/// newlines removed, backslashes read as slashes. Whether that is another site (`//host` or a scheme).
func browserLeavesSite(_ location: String) -> Bool {
    var text = String(location.unicodeScalars.drop { $0.value <= 0x20 })
    text = String(text.unicodeScalars.filter { $0 != "\t" && $0 != "\n" && $0 != "\r" })
        .replacingOccurrences(of: "\\", with: "/")
    if text.hasPrefix("//") { return true }
    let scheme = text.prefix { $0 != ":" && $0 != "/" && $0 != "?" && $0 != "#" }
    return !scheme.isEmpty && text.dropFirst(scheme.count).hasPrefix(":")
}

/// No control character in any header; a `Location` is a path on this site, however often it is decoded.
func expectSafeHeaders(_ headers: HTTPHeaders, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    for (name, value) in headers {
        #expect(
            !HeaderText.hasControl(name) && !HeaderText.hasControl(value),
            "control character in \(name) for \(what)", sourceLocation: sourceLocation)
    }
    guard let location = headers.first(name: .location) else { return }
    #expect(location.hasPrefix("/"), "Location \(location) for \(what)", sourceLocation: sourceLocation)
    var decoded = location
    for _ in 0..<4 {
        #expect(
            !browserLeavesSite(decoded), "Location \(location) leaves the site for \(what)",
            sourceLocation: sourceLocation)
        decoded = decoded.removingPercentEncoding ?? decoded
    }
}

@Suite struct RedirectAndHeaderTests {
    @Test func theLanguageSwitcherSendsNobodyAnywhereElse() async throws {
        try await withApp(.sqlite) { app in
            #expect(
                try await app.get("/language/fr?to=/publications%3Ftype%3Dstatement").headers.first(name: .location)
                    == "/fr/publications?type=statement", "a page of this site opens in the chosen language")
            for attack in [
                "/%0d%0aSet-Cookie:%20a=b", "/%09/evil.example", "%2F%2Fevil.example", "/%5Cevil.example",
                "/%252F%252Fevil.example", "https://evil.example"
            ] {
                let page = try await app.get("/language/fr?to=" + attack)
                #expect(page.status == .seeOther && page.headers.first(name: .location) == "/fr/", "\(attack)")
                #expect(page.headers[.setCookie].count == 1, "no forged cookie: \(attack)")
            }
            await propertyCheck(count: 300, input: hostileTarget) { raw in
                for code in ["fr", "en", "ar"] {
                    let page = try await app.get("/language/\(code)?to=" + encodedAll(raw))
                    #expect(page.status == .seeOther, "\(raw.debugDescription)")
                    expectSafeHeaders(page.headers, "to=\(raw.debugDescription)")
                }
                let code = try await app.get("/language/\(encodedAll(raw))?to=/")
                #expect(code.status.code < 500, "code \(raw.debugDescription)")
                expectSafeHeaders(code.headers, "code \(raw.debugDescription)")
                // A first visit with a French browser is sent to the French page: its path goes into Location.
                let segments = raw.split(separator: "/", omittingEmptySubsequences: false)
                    .map { encodedAll(String($0)) }
                let path = "/" + segments.joined(separator: "/") + "?q=" + encodedAll(raw)
                let negotiated = try await app.get(path, headers: ["Accept-Language": "fr"])
                #expect(negotiated.status.code < 500, "path \(path)")
                expectSafeHeaders(negotiated.headers, "path \(path)")
                let country = try await app.get("/countries/" + encodedAll(raw) + "?year=" + encodedAll(raw))
                #expect(country.status.code < 500)
                expectSafeHeaders(country.headers, "country \(raw.debugDescription)")
            }
        }
    }

    @Test(arguments: Engine.all)
    func signInGoesOnlyToPagesOfThisSite(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await TestAccounts.create("editor@example.org", [.editor], in: app)
            try await TestAccounts.create("officer@example.org", [.caseOfficer], secondFactor: true, in: app)
            let kept = TestBrowser(app)
            #expect(
                try await kept.signInWithNext("editor@example.org", next: "/office/publications?q=a").location
                    == "/office/publications?q=a", "a page of the office is reached after sign-in")
            await propertyCheck(count: 60, input: hostileTarget) { raw in
                let browser = TestBrowser(app)
                let form = try await browser.get("/login?next=" + encodedAll(raw))
                #expect(form.status == .ok)
                let after = try await browser.post(
                    "/login",
                    [
                        ("email", "editor@example.org"),
                        ("password", TestAccounts.password), ("next", raw)
                    ])
                #expect(after.status == .seeOther)
                let typed = raw.trimmingCharacters(in: .whitespacesAndNewlines)  // as the form reads it
                #expect(after.location == RedirectTarget.sameSite(typed, fallback: "/office"), "\(raw)")
                expectSafeHeaders(after.headers, "next=\(raw.debugDescription)")
                let officer = TestBrowser(app)
                try await officer.get("/login")
                let code = try await officer.post(
                    "/login",
                    [
                        ("email", "officer@example.org"),
                        ("password", TestAccounts.password), ("next", raw)
                    ])
                #expect(code.location?.hasPrefix("/login/code") == true)
                expectSafeHeaders(code.headers, "next=\(raw.debugDescription) before the one-time code")
                let signedOut = try await TestBrowser(app).get("/office/\(encodedAll(raw))?next=\(encodedAll(raw))")
                #expect(signedOut.status.code < 500)
                expectSafeHeaders(signedOut.headers, "signed out at /office/\(raw.debugDescription)")
            }
        }
    }

    /// The guard, tried with a route that copies the query into headers as it is (no correct route does this).
    @Test func theGuardRefusesAnyHeaderWithAControlCharacter() async throws {
        CapturedLogs.start()
        try await withApp(.sqlite) { app in
            app.get("echo-header") { req -> Response in
                let response = Response(status: .ok, body: .init(string: "echoed"))
                response.headers.add(name: "X-Echo", value: req.query[String.self, at: "v"] ?? "")
                return response
            }
            await propertyCheck(count: 300, input: hostileText) { value in
                let page = try await app.get("/echo-header?v=" + encodedAll(value))
                expectSafeHeaders(page.headers, "echo of \(value.debugDescription)")
                if HeaderText.hasControl(value) {
                    #expect(page.status == .internalServerError && page.headers.first(name: "X-Echo") == nil)
                    #expect(page.body == "The server could not answer this request.\n", "no echo")
                    #expect(page.headers.first(name: "Content-Security-Policy") != nil, "the security headers stay")
                } else {
                    #expect(page.status == .ok)
                    #expect(
                        page.headers.first(name: "X-Echo")?.trimmingCharacters(in: .whitespaces)
                            == value.trimmingCharacters(in: .whitespaces))
                }
            }
        }
        let refusals = CapturedLogs.stop().split(separator: "\n").filter { $0.contains("refused a response whose") }
        #expect(!refusals.isEmpty)
        #expect(
            refusals.allSatisfy { $0.contains("X-Echo") && !$0.contains("Set-Cookie") && !$0.contains("evil") },
            "the log names the header, never its value")
    }

    /// Only `Request.redirect(within:)` may call Vapor's `redirect(to:)`: any other call would choose a target alone.
    @Test func everyRedirectGoesThroughTheOneFunction() throws {
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let sources = tests.appendingPathComponent("../../Sources")
        let all = FileManager.default.enumerator(atPath: sources.path)?.compactMap { $0 as? String } ?? []
        let files = all.filter { $0.hasSuffix(".swift") }
        #expect(files.count > 100)
        for file in files where !file.hasSuffix("Site/Redirects.swift") {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            #expect(!text.contains("redirect(to:"), "\(file) redirects without RedirectTarget")
            #expect(!text.contains("Redirect(to: req."), "\(file) throws a redirect to a target taken from the request")
        }
    }
}
