import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// Ms Wei's name in the spellings the matcher once missed (letters apart, percent-encoded in a link, HTML character
/// references, Greek and Cyrillic capitals), drafted into appeals, approved and published: the public page never
/// holds the name. Generated and seeded (the seed is printed).
@Suite struct SpelledNamesPublicTests {
    static func spelled(_ rng: inout SeededGenerator) -> String {
        let separators = [" ", ".", "-", "_", " . ", "·", "  "]
        let letters: [[String]] = [
            ["W", "w", "%57", "&#87;", "&#x57;", "Ԝ", "ԝ"],
            ["e", "E", "%65", "&#101;", "Ε", "е", "Е"],
            ["i", "I", "%69", "&#105;", "Ι", "і", "І"]
        ]
        let apart = Bool.random(using: &rng), separator = separators.randomElement(using: &rng)!
        return letters.map { $0.randomElement(using: &rng)! }.joined(separator: apart ? separator : "")
    }

    @Test(arguments: Engine.all)
    func spelledNamesNeverReachThePublishedPage(_ engine: Engine) async throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("SpelledNamesPublicTests seed \(seed)")
        var rng = SeededGenerator(seed: seed)
        try await withApp(engine) { app in
            let team = try await CaseTeam.make(app)
            let casePath = try await FourEyesTests.weiCase(app, team)
            let matcher = Redactor(
                people: [.init(name: "Li Wei", consentsToBeNamed: false, description: "x")],
                secrets: [])
            for n in 0..<6 {
                let mentions = (0..<3).map { _ in Self.spelled(&rng) }
                let body =
                    "Ms \(mentions[0]) was followed. See [the report](https://example.org/\(mentions[1])). "
                    + "Li \(mentions[2]) is in hiding."
                let path = try await FourEyesTests.draft(
                    team.drafter, casePath, title: "Mexico: threats \(n)",
                    body: body)
                let approved = try await FourEyesTests.approve(path, by: team.approver)
                #expect(approved.location != nil, "seed \(seed): \(body.debugDescription)")
                try await team.approver.post(path, [("action", "publish")])
                let office = try await team.approver.get(path)
                let publicPath = try #require(
                    firstMatch("id=\"public-link\" href=\"([^\"]+)\"", in: office.body),
                    "seed \(seed): published")
                let page = try await app.get(publicPath)
                #expect(page.status == .ok)
                for mention in mentions {
                    #expect(
                        !page.body.contains(mention) && !page.body.contains(HTML.escape(mention)),
                        "seed \(seed): \(mention.debugDescription) on \(publicPath)")
                }
                let visible = page.body.replacingOccurrences(of: "<[^>]*>", with: " ", options: .regularExpression)
                    .replacingOccurrences(of: "&amp;", with: "&")
                #expect(matcher.leaks(in: visible).isEmpty, "seed \(seed): \(body.debugDescription)")
            }
        }
    }
}
