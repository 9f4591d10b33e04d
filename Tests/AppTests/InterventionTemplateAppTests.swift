import Fluent
import Foundation
import ObservatoryCore
import Testing
import Vapor

@testable import App

/// The draft offered on the intervention page asks for what fits the acts recorded on the case.
@Suite struct InterventionTemplateAppTests {
    /// The text of the form's body field.
    static func draft(_ page: String) -> String? {
        firstMatch("<textarea id=\"body\" name=\"body\"[^>]*>([^<]*)</textarea>", in: page)
    }

    @Test(arguments: Engine.all)
    func aCaseWithOnlyThreatsIsNotOfferedARelease(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup
            let team = try await CaseTeam.make(app)
            let (caseID, _) = try await AssistanceTests.caseWithDefender(app)
            let casePath = "/office/cases/\(caseID)", officer = team.drafter
            try await officer.get(casePath)
            try await officer.post(
                "\(casePath)/acts",
                [
                    ("type", "threats"), ("date", "2026-05-02"),
                    ("place", "Nairobi"), ("perpetrator", "unidentified")
                ])
            // act
            let drafts = [
                ("urgent-appeal", "en"), ("press-release", "en"), ("open-letter", "fr"),
                ("urgent-appeal", "ar")
            ]
            for (kind, language) in drafts {
                let page = try await officer.get("\(casePath)/interventions/new?kind=\(kind)&language=\(language)")
                // assert
                #expect(page.status == .ok)
                let draft = try #require(Self.draft(page.body), "the draft offered in the form")
                for release in ["Release", "release", "Libérer", "الإفراج"] {
                    #expect(!draft.contains(release), "\(kind) \(language)")
                }
                let protection = [
                    "en": "Take, in agreement with Wanjiru K., the protection measures",
                    "fr": "Prendre, en accord avec Wanjiru K.",
                    "ar": "اتخاذ تدابير الحماية التي يراها Wanjiru K."
                ][language]!
                #expect(draft.contains(protection), "\(kind) \(language)")
            }
            // A detention recorded later: the next draft asks for the release, and keeps the protection.
            try await officer.get(casePath)
            try await officer.post(
                "\(casePath)/acts",
                [
                    ("type", "arbitrary-detention"), ("date", "2026-05-03"),
                    ("place", "Nairobi"), ("perpetrator", "police"), ("detail", "")
                ])
            let detained = try await officer.get("\(casePath)/interventions/new?kind=urgent-appeal&language=en")
            let asked = try #require(Self.draft(detained.body))
            #expect(asked.contains("2. Release Wanjiru K. immediately and unconditionally"))
            #expect(detained.body.contains("Take, in agreement with Wanjiru K., the protection measures"))
        }
    }
}
