import Fluent
import Foundation
import ObservatoryCore
import PropertyBased
import SQLKit
import Testing

@testable import App

/// Issue 22: an import claims a batch's reference codes in one statement (`claimAll`). It must decide exactly what
/// claiming them one after the other decides: who keeps a code, who is refused, and what the registry holds.
@Suite("Reference codes claimed by batch")
struct ReferenceClaimBatchTests {
    struct Held: Decodable, Equatable, Comparable {
        let code: String, owner: String
        static func < (a: Held, b: Held) -> Bool { (a.code, a.owner) < (b.code, b.owner) }
    }

    @Test("claimAll refuses and keeps exactly what one claim after another would", arguments: Engine.all)
    func batchEqualsSequence(engine: Engine) async throws {
        try await withApp(engine, pageCache: false) { sequential in
            try await withApp(engine, pageCache: false) { batched in
                // Small pools, so codes clash on either serial, within a batch and with codes already held.
                await propertyCheck(count: 60, input: Gen.int(in: 1...Int(UInt32.max))) { seed in
                    var g = SeededGenerator(seed: UInt64(seed))
                    let size = Int.random(in: 1...40, using: &g)
                    let claims: [(code: ReferenceCode, owner: String)] = (0..<size).map { _ in
                        (
                            ReferenceCode(
                                alpha3: ["MEX", "COL"].randomElement(using: &g)!,
                                countrySerial: Int.random(in: 1...4, using: &g), month: 9,
                                year: [16, 17].randomElement(using: &g)!,
                                observatorySerial: Int.random(in: 1...4, using: &g),
                                followUp: Bool.random(using: &g) ? nil : 1),
                            "publication:p\(Int.random(in: 1...6, using: &g))"
                        )
                    }
                    let now = testClock.now()
                    var expected: [ReferenceRegistry.Holder?] = []
                    for c in claims {
                        expected.append(
                            try await ReferenceRegistry.claim(
                                c.code, owner: c.owner, source: "import",
                                now: now, on: sequential.db.sql))
                    }
                    let got = try await ReferenceRegistry.claimAll(
                        claims, source: "import", now: now,
                        on: batched.db.sql)
                    #expect(got.map { $0 == nil } == expected.map { $0 == nil }, "seed \(seed)")
                    let heldA = try await sequential.db.sql.raw("SELECT code, owner FROM reference_codes")
                        .all(decoding: Held.self).sorted()
                    let heldB = try await batched.db.sql.raw("SELECT code, owner FROM reference_codes")
                        .all(decoding: Held.self).sorted()
                    #expect(heldA == heldB, "seed \(seed)")
                }
            }
        }
    }
}
