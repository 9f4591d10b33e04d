import Foundation
import Synchronization
import Testing

@testable import ObservatoryCore

@Suite struct CaseStatusTests {
    @Test func theWorkflowMovesForwardAndClosesOnlyWithAnOutcome() {
        #expect(CaseTransition.check(from: .received, to: .underVerification, outcome: nil) == .success(nil))
        #expect(CaseTransition.check(from: .verified, to: .actionLaunched, outcome: nil) == .success(nil))
        #expect(
            CaseTransition.check(from: .received, to: .actionLaunched, outcome: nil)
                == .failure(.notAllowed(from: .received, to: .actionLaunched)))
        #expect(CaseTransition.check(from: .followUp, to: .closed, outcome: nil) == .failure(.outcomeRequired))
        #expect(CaseTransition.check(from: .followUp, to: .closed, outcome: .released) == .success(.released))
        #expect(
            CaseTransition.check(from: .verified, to: .underVerification, outcome: .released)
                == .failure(.outcomeOnlyWhenClosing))
        #expect(CaseTransition.check(from: .closed, to: .followUp, outcome: nil) == .success(nil))
        #expect(CaseTransition.check(from: .closed, to: .received, outcome: nil) != .success(nil))
    }

    @Test(arguments: CaseStatus.allCases)
    func everyStatusCanBeClosedOrReopenedAndNeverStaysPut(_ status: CaseStatus) {
        #expect(!status.next.contains(status))
        #expect(status == .closed ? status.next == [.followUp] : status.next.contains(.closed))
        // Every status is reachable from "received".
        var seen: Set<CaseStatus> = [.received], frontier: [CaseStatus] = [.received]
        while let s = frontier.popLast() {
            for n in s.next where !seen.contains(n) { seen.insert(n); frontier.append(n) }
        }
        #expect(seen.contains(status))
    }

    @Test func onlyVerifiedCasesAllowInterventions() {
        #expect(!CaseStatus.received.allowsIntervention && !CaseStatus.underVerification.allowsIntervention)
        #expect(CaseStatus.verified.allowsIntervention && CaseStatus.followUp.allowsIntervention)
    }
}

@Suite struct RedactionTests {
    let redactor = Redactor(
        people: [
            .init(
                name: "Juana Pérez López", consentsToBeNamed: false,
                description: "a woman human rights defender in Oaxaca"),
            .init(name: "Carlos Ruiz", consentsToBeNamed: true, description: "a lawyer")
        ], secrets: ["+52 55 1234 5678", "Source: the cousin in Juchitán\nMet her at the market on Tuesday morning"])

    @Test func namesOfPeopleNotAgreeingAreReplacedByTheirDescription() {
        let text =
            "JUANA PÉREZ LÓPEZ was arrested. Ms. Lopez, defended by Carlos Ruiz, remains in custody; perezoso stays."
        let redacted = redactor.redact(text)
        #expect(
            redacted
                == """
                a woman human rights defender in Oaxaca was arrested. Ms. a woman human rights defender in \
                Oaxaca, defended by Carlos Ruiz, remains in custody; perezoso stays.
                """
        )
        #expect(redactor.leaks(in: redacted).isEmpty)
    }

    @Test func leaksFindNamesContactsAndCopiedLines() {
        #expect(redactor.leaks(in: "Call +52 55 1234 5678") == ["+52 55 1234 5678"])
        #expect(
            redactor.leaks(in: "met her at the market on tuesday morning.") == [
                "Met her at the market on Tuesday morning"
            ])
        #expect(redactor.leaks(in: "Juana was seen") == ["Juana"])
        #expect(redactor.leaks(in: "Carlos Ruiz and the market").isEmpty)
    }

    @Test func aPersonWithoutDescriptionBecomesADefender() {
        let r = Redactor(people: [.init(name: "Ali Ben", consentsToBeNamed: false, description: " ")], secrets: [])
        #expect(r.redact("Ali Ben spoke") == "a human rights defender spoke")
    }

    @Test func randomTextsNeverKeepTheName() {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("randomTextsNeverKeepTheName seed: \(seed)")
        var generator = SplitMix64(seed: seed)
        let pieces = [
            "Juana", "Pérez", "López", "juana pérez lópez", " ", ".", ",", "JUANA", "PEREZ", "x", "\n", "é", "Lópezz",
            "-"
        ]
        for _ in 0..<2_000 {
            let text = (0..<Int.random(in: 1...20, using: &generator)).map { _ in
                pieces.randomElement(using: &generator)!
            }.joined()
            let redacted = redactor.redact(text)
            #expect(redactor.leaks(in: redacted).isEmpty, "\(text.debugDescription) → \(redacted.debugDescription)")
        }
    }
}

@Suite struct FieldCipherTests {
    let cipher = try! FieldCipher(keyText: FieldCipher.newKeyText())

    @Test func sealedValuesOpenOnlyWithTheirKeyAndContext() throws {
        let sealed = cipher.seal("Juana Pérez López", context: "case_people.name")
        #expect(sealed.hasPrefix("v1:") && !sealed.contains("Juana"))
        #expect(try cipher.open(sealed, context: "case_people.name") == "Juana Pérez López")
        #expect(sealed != cipher.seal("Juana Pérez López", context: "case_people.name"), "a fresh nonce each time")
        #expect(throws: FieldCipher.Failure.self) { try cipher.open(sealed, context: "case_sources.contact") }
        let other = try FieldCipher(keyText: FieldCipher.newKeyText())
        #expect(throws: FieldCipher.Failure.self) { try other.open(sealed, context: "case_people.name") }
        var tampered = Array(sealed)
        tampered[10] = tampered[10] == "A" ? "B" : "A"
        #expect(throws: FieldCipher.Failure.self) { try cipher.open(String(tampered), context: "case_people.name") }
    }

    @Test func badKeysAreNamed() {
        #expect(throws: FieldCipher.Failure.self) { try FieldCipher(keyText: "not base64!") }
        do { _ = try FieldCipher(keyText: Data(repeating: 1, count: 16).base64EncodedString()) } catch {
            #expect("\(error)".contains("expected 32 bytes, found 16"))
        }
    }

    @Test func aKeyFileIsMadeOnceWithPrivatePermissions() throws {
        let path = NSTemporaryDirectory() + "observatory-key-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: FieldCipher.Failure.self) { try KeyFile(path: path, createIfMissing: false).cipher() }
        let first = try KeyFile(path: path, createIfMissing: true).cipher()
        let again = try KeyFile(path: path, createIfMissing: true).cipher()
        #expect(try again.open(first.seal("x", context: "c"), context: "c") == "x")
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
    }

    /// Instances starting together on a new database all read the one key that was made (the first start of two
    /// servers once left one of them with a key the file no longer held).
    @Test func instancesMakingTheKeyTogetherAllGetTheSameOne() throws {
        let directory = NSTemporaryDirectory() + "observatory-keys-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for round in 0..<20 {
            let path = directory + "/db-\(round).sqlite.key"
            let ciphers = Mutex<[FieldCipher?]>(Array(repeating: nil, count: 24))
            DispatchQueue.concurrentPerform(iterations: 24) { n in
                let cipher = try? KeyFile(path: path, createIfMissing: true).cipher()
                ciphers.withLock { $0[n] = cipher }
            }
            let made = ciphers.withLock { $0 }
            let sealed = try #require(made[0]).seal("round \(round)", context: "c")
            for cipher in made {
                #expect(try cipher?.open(sealed, context: "c") == "round \(round)", "round \(round)")
            }
            let fromFile = try KeyFile(path: path, createIfMissing: false).cipher()
            #expect(try fromFile.open(sealed, context: "c") == "round \(round)")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(left.count == 20, "no draft key file is left behind: \(left.sorted())")
    }
}

@Suite struct ReceiptCodeTests {
    @Test func codesAreLongRandomAndForgiving() {
        let code = ReceiptCode.generate()
        #expect(code.count == 29 && code.split(separator: "-").count == 5)
        #expect(ReceiptCode.isWellFormed(code))
        #expect(ReceiptCode.hash(code) == ReceiptCode.hash(code.lowercased().replacingOccurrences(of: "-", with: " ")))
        #expect(ReceiptCode.hash(code) != ReceiptCode.hash(ReceiptCode.generate()))
        #expect(!ReceiptCode.isWellFormed("12345") && !ReceiptCode.isWellFormed(String(repeating: "U", count: 25)))
        #expect(ReceiptCode.normalise("o0-Il") == "0011")
        #expect(Set((0..<200).map { _ in ReceiptCode.generate() }).count == 200)
    }
}

@Suite struct InterventionTemplateTests {
    @Test(arguments: Language.allCases)
    func anUrgentAppealHasItsSectionsAndAddresses(_ language: Language) {
        let draft = InterventionTemplate.draft(
            kind: .urgentAppeal, language: language, followUp: true, country: "Mexico",
            people: ["Juana Pérez López"],
            addresses: ["President: presidencia@example.mx"],
            acts: [.arbitraryDetention])
        let w = InterventionTemplate.words(language)
        for heading in [w.newInformation, w.description, w.actions, w.addresses] {
            #expect(draft.body.contains("## \(heading)"))
        }
        #expect(draft.body.contains("Juana Pérez López") && draft.body.contains("- President: presidencia@example.mx"))
        #expect(draft.body.contains("1. ") && draft.body.contains("4. "))
        #expect(draft.title.hasPrefix("Mexico: "))
    }

    @Test func pressReleasesAndLettersHaveNoAddressesAndOriginalsNoNewInformation() {
        let release = InterventionTemplate.draft(
            kind: .pressRelease, language: .en, followUp: false, country: "Mexico", people: [], addresses: ["x"])
        #expect(!release.body.contains("## Addresses") && !release.body.contains("## New information"))
        let letter = InterventionTemplate.draft(
            kind: .openLetter, language: .fr, followUp: false, country: "Mexique", people: [], addresses: [])
        #expect(letter.body.hasSuffix("L’Observatoire"))
    }
}
