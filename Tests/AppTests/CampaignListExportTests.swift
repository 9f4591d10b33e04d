import Fluent
import Foundation
import ObservatoryCore
import Testing
import Vapor

@testable import App

/// The campaigns and calls lists as CSV and JSON: what the public site shows, nothing the office holds.
@Suite struct CampaignListExportTests {
    static let canary = "Cm4CANARYlist"

    @Test(arguments: Engine.all)
    func campaignsAndCallsExportOnlyWhatThePublicSees(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let now = testClock.now(), db = app.db
            try await CampaignStore.save(
                id: "public-one", title: "=HYPERLINK(\"x\") Defend them",
                text: "Ten portraits.", publications: ["p-1"], cases: ["case-secret"],
                published: true, image: nil, by: "a", now: now, on: db)
            try await CampaignStore.save(
                id: "draft-one", title: "Draft \(Self.canary)", text: Self.canary,
                publications: [], cases: [], published: false, image: nil, by: "a",
                now: now, on: db)
            let deadline = testToday.adding(days: 30).description
            try await CallStore.save(
                id: "open-call", title: "Women defenders: your needs", text: "Tell us.",
                deadline: deadline, open: true, by: "a", now: now, on: db)
            try await CallStore.save(
                id: "closed-call", title: "Closed \(Self.canary)", text: Self.canary,
                deadline: deadline, open: false, by: "a", now: now, on: db)
            try await CallStore.save(
                id: "past-call", title: "Past \(Self.canary)", text: Self.canary,
                deadline: testToday.adding(days: -1).description, open: true, by: "a",
                now: now, on: db)
            for path in [
                "/campaigns.csv", "/campaigns.json", "/fr/campaigns.csv", "/ar/calls.json", "/calls.csv",
                "/calls.json"
            ] {
                let answer = try await app.get(path)
                #expect(answer.status == .ok, "\(path)")
                #expect(!answer.body.contains(Self.canary) && !answer.body.contains("case-secret"), "\(path)")
                #expect(answer.headers.first(name: .contentDisposition)?.hasPrefix("attachment") == true)
            }
            let csv = try await app.get("/campaigns.csv").body
            #expect(
                csv.contains("public-one") && csv.contains("\"'=HYPERLINK(\"\"x\"\") Defend them\""),
                "the formula is defused: \(csv)")
            let json = try jsonObject(try await app.get("/fr/campaigns.json").body)
            let items = try #require(json["items"] as? [[String: Any]])
            #expect(items.count == 1 && (items[0]["url"] as? String)?.hasSuffix("/fr/campaigns/public-one") == true)
            let calls = try jsonObject(try await app.get("/calls.json").body)["items"] as? [[String: Any]]
            #expect(calls?.map { $0["id"] as? String } == ["open-call"])
            #expect(try await app.get("/calls.json").headers.first(name: .cacheControl) == "no-store")
            #expect(try await app.get("/campaigns").body.contains("href=\"/campaigns.csv\""))
            #expect(try await app.get("/fr/calls").body.contains("href=\"/fr/calls.json\""))
        }
    }
}
