import Fluent
import Foundation
import ObservatoryCore
import PropertyBased
import Testing
import Vapor

@testable import App

/// Missions, intervention drafts and subscribers' addresses hold `Confidential` once opened from the database.
///
/// The key paths below are the compile-time check: a field turned back into `String` stops this target compiling
/// (and `HTML` interpolation of a `Confidential` is refused by ObservatoryCore, see ConfidentialCompileTests).
/// The tests open generated values through the real stores on both engines and try every way a value could
/// show itself by accident: interpolation, `String(describing:)`, `dump`, JSON, `HTML`.
@Suite struct ConfidentialTypesTests {
    static let missionFields: [KeyPath<Mission, Confidential>] = [
        \.title, \.members, \.objectives, \.logistics,
        \.securityPlan, \.findings
    ]
    static let concernField: KeyPath<Mission.Concerned, Confidential> = \.concern
    static let interventionFields: [KeyPath<Intervention, Confidential>] = [\.title, \.summary, \.body]
    static let draftFields: [KeyPath<InterventionStore.Draft, Confidential>] = [\.title, \.summary, \.body]
    static let subscriberEmail: KeyPath<Subscriber, Confidential> = \.email
    // Other structs that held opened sealed values as `String`: case labels on the dashboard and in bulk triage,
    // "not the person" records, an organisation's contacts.
    static let exceptionFields: [KeyPath<RedactionExceptions.Record, Confidential>] = [\.value, \.reason]
    static let waitingLabel: KeyPath<CaseDashboard.Waiting, Confidential> = \.caseLabel
    static let quietLabel: KeyPath<CaseDashboard.Quiet, Confidential> = \.label
    static let bulkLabel: KeyPath<BulkTriage.Item, Confidential> = \.label
    static let contacts: @Sendable (String, FieldCipher, any Database) async throws -> Confidential = {
        try await OrganisationOfficeController.contacts($0, cipher: $1, on: $2)
    }

    static let canary = Gen.letterOrNumber.string(of: 6...12)

    /// Every accidental way of showing `holder` (and its confidential values) must keep `secret` out.
    static func expectHidden(
        _ holder: Any, _ values: [Confidential], secret: String, _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        var dumped = ""
        dump(holder, to: &dumped)
        var shown = [String(describing: holder), String(reflecting: holder), "\(holder)", dumped]
        for value in values {
            shown += ["\(value)", String(describing: value), String(reflecting: value), value.description]
            let json = try JSONEncoder().encode(["value": "\(value)"])
            shown.append(String(decoding: json, as: UTF8.self))
            let html: HTML = "<p>\(String(describing: value))</p>"
            shown.append(html.rendered)
        }
        #expect(!(holder is any Encodable), "\(what) cannot be encoded", sourceLocation: sourceLocation)
        for output in shown {
            #expect(
                !output.contains(secret), "\(what) showed its text: \(output.prefix(300))",
                sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: Engine.all)
    func openedMissionsDraftsAndAddressesNeverShowThemselves(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let cipher = app.site.cipher, now = testClock.now()
            let caseID = try await CaseStore.open(
                NewCase(country: "MX", label: "Case"), by: "drafter@example.org",
                now: now, cipher: cipher, on: app.db)
            var n = 0
            await propertyCheck(count: 40, input: Self.canary) { word in
                n += 1
                let secret = "Zq" + word
                // A mission, each field holding the secret.
                let text = Confidential("Members: \(secret) (lawyer)")
                let mission = Mission(
                    id: "mission-\(n)", kind: .solidarity, country: "MX",
                    dates: MissionDates(
                        starts: CivilDate("2026-12-01")!,
                        ends: CivilDate("2026-12-02")!),
                    title: text, members: text, objectives: text, logistics: text,
                    securityPlan: text, findings: text)
                try await MissionStore.save(mission, isNew: true, by: "t", now: now, cipher: cipher, on: app.db)
                try await MissionStore.concern(
                    caseID, "Trial of \(secret)", mission: mission.id, now: now,
                    cipher: cipher, on: app.db)
                let opened = try #require(try await MissionStore.find(mission.id, cipher: cipher, on: app.db))
                let missionValues =
                    Self.missionFields.map { opened[keyPath: $0] }
                    + opened.concerned.map { $0[keyPath: Self.concernField] }
                #expect(
                    missionValues.count == 7 && missionValues.allSatisfy { $0.reveal().contains(secret) },
                    "reveal() is the way to the text")
                try Self.expectHidden(opened, missionValues, secret: secret, "a mission")
                try Self.expectHidden(opened.concerned, missionValues, secret: secret, "a mission's cases")

                // An intervention's draft, before redaction.
                let draft = InterventionStore.Draft(
                    kind: .urgentAppeal, language: .en, followUpOf: nil,
                    translationOf: nil,
                    title: Confidential("Threats against \(secret)"),
                    summary: Confidential(secret), body: Confidential("Ms \(secret)."))
                try Self.expectHidden(draft, Self.draftFields.map { draft[keyPath: $0] }, secret: secret, "a draft")
                let id = try await InterventionStore.create(
                    draft, case: caseID, by: "drafter@example.org", now: now,
                    cipher: cipher, on: app.db)
                let intervention = try #require(try await InterventionStore.find(id, cipher: cipher, on: app.db))
                let draftValues = Self.interventionFields.map { intervention[keyPath: $0] }
                #expect(draftValues.allSatisfy { $0.reveal().contains(secret) })
                try Self.expectHidden(intervention, draftValues, secret: secret, "an intervention")

                // A subscriber's address.
                let email = "\(secret.lowercased())@example.org"
                let (subscriber, _) = try await SubscriberStore.request(
                    email: email, preferences: SubscriptionPreferences(languages: [.en], scope: .all), now: now,
                    cipher: cipher, on: app.db)
                let found = try #require(try await SubscriberStore.find(id: subscriber.id, cipher: cipher, on: app.db))
                #expect(found[keyPath: Self.subscriberEmail].reveal() == email)
                try Self.expectHidden(found, [found.email], secret: secret.lowercased(), "a subscriber")
            }
        }
    }
}
