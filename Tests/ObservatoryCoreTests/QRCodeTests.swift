import Foundation
import Testing

@testable import ObservatoryCore

/// The QR codes are read back by a real decoder (zbar's `zbarimg`, installed by scripts/test), so a symbol
/// passes only if a phone could scan it.
@Suite struct QRCodeTests {
    static let decoder = "/usr/bin/zbarimg"

    /// Draws the symbol as a black-and-white PBM image (8 pixels a module, quiet zone of 4) and decodes it.
    static func decode(_ code: QRCode) throws -> String {
        let scale = 8, width = (code.size + 8) * scale
        var image = "P1\n\(width) \(width)\n"
        for y in 0..<width {
            let row = (0..<width).map { x -> String in
                let mx = x / scale - 4, my = y / scale - 4
                return (0..<code.size).contains(mx) && (0..<code.size).contains(my) && code.modules[my][mx] ? "1" : "0"
            }
            image += row.joined(separator: " ") + "\n"
        }
        let path = NSTemporaryDirectory() + "qr-\(UUID().uuidString).pbm"
        try image.write(toFile: path, atomically: true, encoding: .ascii)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: decoder)
        process.arguments = ["--quiet", "--raw", path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
    }

    @Test func aPhoneCanReadTheAuthenticatorAddressWithEveryMask() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.decoder), "install zbar-tools (scripts/test does)")
        let uri = TOTP(secret: TOTP.newSecret()).uri(issuer: "Observatory", account: "case.officer@example.org")
        for mask in 0..<8 {
            let code = try QRCode(uri, mask: mask)
            #expect(try Self.decode(code) == uri, "mask \(mask), version \(code.version)")
        }
    }

    /// Versions 1 to 25 (up to 117 × 117 modules), beyond anything an authenticator address needs; the content is
    /// fixed (a simple generator), so a failure can be replayed.
    @Test func readableAtEverySizeFromVersion1To25() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.decoder), "install zbar-tools (scripts/test does)")
        var seen: Set<Int> = []
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/?#@!$&'()*+,;=")
        // Each version filled to its last byte, the edge where a miscount would show.
        for length in (1...25).map({ (QRCode.dataCapacityBits($0) - 4 - ($0 < 10 ? 8 : 16)) / 8 }) {
            let text = String(
                (0..<length).map { _ in
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    return alphabet[Int(state >> 33) % alphabet.count]
                })
            let code = try QRCode(text)
            seen.insert(code.version)
            #expect(code.size == code.version * 4 + 17)
            #expect(
                try Self.decode(code) == text, "\(text.utf8.count) bytes, version \(code.version), mask \(code.mask)")
        }
        #expect(seen == Set(1...25), "each length lands in its own version: \(seen.sorted())")
    }

    @Test func svgDrawsEveryDarkModuleAndRefusesWhatCannotFit() throws {
        let code = try QRCode("HELLO", mask: 0)
        let svg = code.svg()
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 29 29\""))
        let dark = code.modules.joined().filter { $0 }.count
        // Each "h<run>" draws a run of dark modules; together they cover every dark module once.
        let drawn = svg.split(separator: "h").dropFirst().compactMap { Int($0.prefix { $0.isNumber }) }.reduce(0, +)
        #expect(drawn == dark)
        #expect(throws: QRCode.Failure.tooLong) { try QRCode(String(repeating: "x", count: 2_400)) }
    }
}
