import Foundation
import ObservatoryCore
import PropertyBased
import Testing

/// A confidential value never shows itself, and a sealed one opens only in its own column of its own row.
@Suite struct SealedValueTests {
    static let text = Gen.character(in: " "..."\u{2FF}").string(of: 0...40)
    static let rowID = Gen.letterOrNumber.string(of: 1...16)

    @Test func aConfidentialValueDescribesItselfAsAMask() async {
        await propertyCheck(count: 200, input: Self.text) { text in
            // setup
            let value = Confidential("Nadia Q" + text)
            struct Holder { let name: Confidential }
            // act
            let shown = [
                "\(value)", String(describing: value), String(reflecting: value), value.description,
                value.debugDescription, "\(Holder(name: value))", String(describing: [value]),
                String(describing: Optional(value))
            ]
            var dumped = ""
            dump(Holder(name: value), to: &dumped)
            // assert
            for output in shown + [dumped] { #expect(!output.contains("Nadia Q"), "shown: \(output)") }
            #expect(Mirror(reflecting: value).children.isEmpty)
            #expect(value.reveal() == "Nadia Q" + text, "reveal() is the one way to the text")
        }
    }

    @Test func aConfidentialValueCannotBeEncoded() throws {
        // setup
        let value: Any = Confidential("Nadia Qazi")
        // assert: no JSON, feed or template context can hold it (Encodable is checked at compile time).
        #expect(!(value is any Encodable))
        // A context that stringifies it by mistake carries only the mask.
        let json = String(decoding: try JSONEncoder().encode(["name": "\(Confidential("Nadia Qazi"))"]), as: UTF8.self)
        #expect(!json.contains("Nadia") && json.contains("confidential"))
        // HTML built from its description holds the mask; `"\(value)" as HTML` does not compile.
        let html: HTML = "<p>\(String(describing: Confidential("Nadia Qazi")))</p>"
        #expect(!html.rendered.contains("Nadia"))
    }

    @Test func aSealedValueOpensOnlyInItsOwnRowAndColumn() async throws {
        let cipher = try FieldCipher(keyText: FieldCipher.newKeyText()),
            other = try FieldCipher(keyText: FieldCipher.newKeyText())
        await propertyCheck(count: 200, input: Self.text, Self.rowID, Self.rowID) { text, row, otherRow in
            // act
            let sealed = cipher.seal(text, in: .personName, row: row)
            // assert
            // A text of a few letters can appear by chance in base64 output; longer ones cannot.
            #expect(sealed.hasPrefix("v2:") && (text.count < 6 || !sealed.contains(text)))
            #expect((try? cipher.open(sealed, in: .personName, row: row).reveal()) == text)
            if otherRow != row {
                #expect(throws: FieldCipher.Failure.self) { try cipher.open(sealed, in: .personName, row: otherRow) }
            }
            #expect(throws: FieldCipher.Failure.self) { try cipher.open(sealed, in: .personContact, row: row) }
            #expect(throws: FieldCipher.Failure.self) { try other.open(sealed, in: .personName, row: row) }
            let bytes = cipher.seal(bytes: Array(text.utf8), in: .attachmentData, row: row)
            #expect((try? cipher.open(bytes: bytes, in: .attachmentData, row: row)) == Data(text.utf8))
            if otherRow != row {
                #expect(throws: FieldCipher.Failure.self) {
                    try cipher.open(bytes: bytes, in: .attachmentData, row: otherRow)
                }
            }
        }
    }

    @Test func aTamperedOrOldFormatValueIsRefused() throws {
        // setup
        let cipher = try FieldCipher(keyText: FieldCipher.newKeyText())
        let sealed = cipher.seal("Nadia Qazi", in: .personName, row: "person-1")
        var bytes = Array(Data(base64Encoded: String(sealed.dropFirst(3)))!)
        bytes[bytes.count / 2] ^= 1
        // assert
        #expect(throws: FieldCipher.Failure.self) {
            try cipher.open("v2:" + Data(bytes).base64EncodedString(), in: .personName, row: "person-1")
        }
        #expect(throws: FieldCipher.Failure.self) {
            try cipher.open(cipher.seal("Nadia Qazi", context: "case_people.name"), in: .personName, row: "person-1")
        }
        #expect(throws: FieldCipher.Failure.self) { try cipher.open("Nadia Qazi", in: .personName, row: "person-1") }
        // The old format still opens through the explicit legacy path the migration uses.
        #expect(
            try cipher.openLegacy(cipher.seal("Nadia", context: "case_people.name"), in: .personName, row: "p")
                == "Nadia")
    }

    @Test func theRegistryNamesEachColumnOnce() {
        let names = SealedColumn.all.map(\.description)
        #expect(Set(names).count == names.count)
        #expect(
            names.contains("case_acts.place") && names.contains("case_people.public_description")
                && names.contains("case_acts.occurred_on") && names.contains("case_acts.perpetrator_detail"))
        for lookup in LookupColumn.all { #expect(SealedColumn.all.contains(lookup.source)) }
    }
}
