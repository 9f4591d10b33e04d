import Foundation
import Testing

/// Compile-time checks, run for real: the compiler refuses a confidential value in `HTML`, in an `Encodable`
/// context (JSON, a feed, a template) and in `JSONEncoder`, and accepts the explicit `.reveal()`.
@Suite struct ConfidentialCompileTests {
    static let modules = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/Modules").path

    /// The compiler's errors for `source` (empty when it type-checks).
    static func errors(_ source: String) throws -> String {
        let file = NSTemporaryDirectory() + "confidential-\(UUID().uuidString).swift"
        try ("import Foundation\nimport ObservatoryCore\nlet value = Confidential(\"Nadia Qazi\")\n" + source)
            .write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swiftc", "-typecheck", "-I", modules, file]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return process.terminationStatus == 0 ? "" : text + " (status \(process.terminationStatus))"
    }

    @Test func theCompilerRefusesAConfidentialValueInHTMLOrAnEncodableContext() throws {
        // control: the explicit opening compiles, so a refusal below is the type's and not the set-up's
        let control = try Self.errors("let page: HTML = \"<p>\\(value.reveal())</p>\"")
        #expect(control.isEmpty, "the control compiles: \(control)")
        let html = try Self.errors("let page: HTML = \"<p>\\(value)</p>\"")
        #expect(html.contains("a confidential value is opened with .reveal()"), "HTML: \(html)")
        let context = try Self.errors("struct PublicContext: Encodable { let name: Confidential }")
        #expect(context.contains("does not conform to protocol 'Encodable'"), "context: \(context)")
        let json = try Self.errors("let data = try JSONEncoder().encode(value)")
        #expect(json.contains("Encodable"), "JSON: \(json)")
    }
}
