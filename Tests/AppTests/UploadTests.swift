import Foundation
import ObservatoryCore
import Testing
import Vapor

@testable import App

/// Files sent with forms: recognised by their bytes, whatever their name says; multipart bodies read safely.
@Suite struct UploadTests {
    @Test func typesAreRecognisedByContentNotName() {
        #expect(Upload.detectType(Array("%PDF-1.7\n".utf8)) == "application/pdf")
        #expect(Upload.detectType([0xFF, 0xD8, 0xFF, 0xE0]) == "image/jpeg")
        #expect(Upload.detectType([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]) == "image/png")
        #expect(Upload.detectType(Array("Plain words, ça va, عربي\n".utf8)) == "text/plain")
        #expect(Upload.detectType([0x4D, 0x5A, 0x90, 0x00]) == nil, "a Windows program")
        #expect(Upload.detectType(Array("<html>\u{0}".utf8)) == nil, "binary with NUL")
        #expect(Upload.detectType([0xC3, 0x28]) == nil, "invalid UTF-8")
        if case .success(let upload) = Upload.check(
            filename: "C:\\Users\\x\\..\\evidence.pdf", data: Array("%PDF-".utf8))
        {
            #expect(upload.filename == "evidence.pdf" && upload.contentType == "application/pdf")
        } else {
            Issue.record("a PDF is accepted")
        }
        guard
            case .failure(let big) = Upload.check(
                filename: "big.txt", data: Array(repeating: 0x61, count: Upload.maxBytes + 1))
        else {
            Issue.record("too big accepted"); return
        }
        #expect(big.message == "“big.txt” is larger than 5 MB.")
        guard case .failure(let empty) = Upload.check(filename: "", data: []) else {
            Issue.record("empty accepted"); return
        }
        #expect(empty.message == "“file” is empty.")
    }

    @Test func multipartBodiesGiveFieldsAndFiles() throws {
        let body = """
            --XyZ\r
            Content-Disposition: form-data; name="csrf"\r
            \r
            token\r
            --XyZ\r
            Content-Disposition: form-data; name="files"; filename="a \\"b\\".txt"\r
            Content-Type: text/plain\r
            \r
            line one\r
            line two\r
            --XyZ\r
            Content-Disposition: form-data; name="files"; filename=""\r
            \r
            \r
            --XyZ--\r

            """
        let (form, files) = try FormData.multipart(ByteBuffer(string: body), boundary: "XyZ")
        #expect(form["csrf"] == "token")
        #expect(
            files.count == 1 && files[0].field == "files"
                && String(decoding: files[0].data, as: UTF8.self) == "line one\r\nline two")
        let junk = try? FormData.multipart(ByteBuffer(string: "garbage without boundary"), boundary: "XyZ")
        #expect(junk == nil || (junk!.0.fields.isEmpty && junk!.1.isEmpty), "a body without the boundary gives nothing")
    }

    @Test func randomBodiesNeverCrashTheParser() {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("randomBodiesNeverCrashTheParser seed: \(seed)")
        var generator = SeededGenerator(seed: seed)
        // Non-ASCII bytes in a header name: what makes MultipartKit 4.7's parser trap.
        let pieces = [
            "--B\r\n", "Content-Disposition: form-data; name=\"x\"\r\n", "\r\n", "filename=\"", "\"", ";", "--B--",
            "\u{0}",
            "é", "a", "\r\n--B", "ÿ-Name: v\r\n", ":", "--B  \r\n"
        ]
        for _ in 0..<5_000 {
            let body = (0..<Int.random(in: 0...30, using: &generator)).map { _ in
                pieces.randomElement(using: &generator)!
            }.joined()
            _ = try? FormData.multipart(ByteBuffer(string: body), boundary: "B")
            let noise = (0..<Int.random(in: 0...200, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
            _ = MultipartBody.parts(Array("--B\r\n".utf8) + noise, boundary: "B")
        }
    }

    @Test func whatABrowserSendsIsReadBack() {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("whatABrowserSendsIsReadBack seed: \(seed)")
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<300 {
            let boundary =
                "----WebKitFormBoundary" + String(UInt64.random(in: 0...UInt64.max, using: &generator), radix: 36)
            let parts: [MultipartBody.Part] = (0..<Int.random(in: 0...5, using: &generator)).map { n in
                let body = (0..<Int.random(in: 0...300, using: &generator)).map { _ in
                    UInt8.random(in: 0...255, using: &generator)
                }
                return .init(
                    headers: [
                        "content-disposition": "form-data; name=\"f\(n)\"; filename=\"é \(n).bin\"",
                        "content-type": "application/octet-stream"
                    ], body: body)
            }
            var bytes: [UInt8] = Array("preamble\r\n".utf8)
            for part in parts {
                bytes += Array("--\(boundary)\r\n".utf8)
                for (name, value) in part.headers.sorted(by: { $0.key < $1.key }) {
                    bytes += Array("\(name): \(value)\r\n".utf8)
                }
                bytes += Array("\r\n".utf8) + part.body + Array("\r\n".utf8)
            }
            bytes += Array("--\(boundary)--\r\n".utf8)
            if parts.isEmpty { continue }
            #expect(MultipartBody.parts(bytes, boundary: boundary) == parts)
        }
    }

    @Test func theServerSurvivesAHostileMultipartBody() async throws {
        try await withApp(.sqlite) { app in
            let browser = TestBrowser(app)
            try await browser.get("/report")
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=B")
            let body = "--B\r\n\u{FF}Content-Disposition: form-data; name=\"csrf\"\r\n\r\nx\r\n--B--\r\n"
            let refused = try await browser.send(.POST, "/report", buffer: ByteBuffer(string: body), headers: headers)
            #expect(refused.status == .forbidden, "refused as a form without its token")
            #expect(try await app.get("/report").status == .ok, "and still serving")
        }
    }
}
