import Foundation
import Testing

@testable import App

/// A real SMTP server for a test: `tests/smtp/server.py` (aiosmtpd) on a free loopback port, writing each message
/// it accepts to a directory.
final class TestSMTPServer: @unchecked Sendable {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    let port: Int
    let directory: String
    let process: Process
    let input: Pipe
    var certificate: String?

    init(tls: Bool = false, user: String? = nil, password: String? = nil) throws {
        directory = NSTemporaryDirectory() + "observatory-smtp-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // Port 0: the server takes a free port itself and says which ("ready PORT"); a port picked here could be taken.
        var arguments = [
            Self.root.appendingPathComponent("tests/smtp/server.py").path, "--port", "0", "--dir", directory + "/mail"
        ]
        if tls {
            let cert = directory + "/cert.pem", key = directory + "/key.pem"
            let openssl = Process()
            openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            openssl.arguments = [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"
            ]
            openssl.standardOutput = FileHandle.nullDevice
            openssl.standardError = FileHandle.nullDevice
            try openssl.run()
            openssl.waitUntilExit()
            arguments += ["--tls", cert, key]
            certificate = cert
        }
        if let user, let password { arguments += ["--user", user, "--password", password] }
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let ready = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self).split(
            whereSeparator: \.isWhitespace)
        guard ready.count == 2, ready[0] == "ready", let chosen = Int(ready[1]) else {
            throw Failure(
                description: "tests/smtp/server.py did not start (is aiosmtpd installed? pip install aiosmtpd)")
        }
        port = chosen
    }

    struct Failure: Error, CustomStringConvertible { let description: String }

    func settings(security: SMTPSettings.Security = .none, user: String? = nil, password: String? = nil) -> SMTPSettings
    {
        var s = SMTPSettings(
            host: security == .none ? "127.0.0.1" : "localhost", port: port, security: security,
            username: user, password: password, from: "observatory@example.org")
        s.caFile = certificate
        return s
    }

    /// The messages received so far, oldest first, as text.
    func messages() -> [String] {
        let folder = directory + "/mail"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter {
            $0.hasSuffix(".eml")
        }.sorted()
        return names.compactMap { try? String(contentsOfFile: folder + "/" + $0, encoding: .utf8) }
    }

    /// Waits until `count` messages have arrived (or `seconds` passed).
    func waitFor(_ count: Int, seconds: Double = 20) async throws -> [String] {
        let deadline = Date().addingTimeInterval(seconds)
        while messages().count < count && Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
        return messages()
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// The text of a message's first base64 part of type `type`, decoded.
func decodedPart(_ message: String, type: String = "text/plain") -> String? {
    guard
        let range = message.range(
            of: "Content-Type: \(type); charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
    else { return nil }
    let lines = message[range.upperBound...].components(separatedBy: "\r\n")
    let encoded = lines.prefix { !$0.isEmpty && !$0.hasPrefix("--") }.joined()
    return Data(base64Encoded: String(encoded)).map { String(decoding: $0, as: UTF8.self) }
}
