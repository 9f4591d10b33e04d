import Foundation
import Vapor

/// A file sent with a form (the report form's attachments), checked by its first bytes, not its name.
struct Upload: Sendable {
    var filename: String
    var contentType: String
    var data: [UInt8]

    static let maxBytes = 5 * 1024 * 1024
    static let maxFiles = 3

    /// The types accepted, recognised by their first bytes.
    static func detectType(_ data: [UInt8]) -> String? {
        func starts(_ magic: [UInt8]) -> Bool { data.count >= magic.count && Array(data.prefix(magic.count)) == magic }
        if starts([0x25, 0x50, 0x44, 0x46, 0x2D]) { return "application/pdf" }
        if starts([0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if String(validating: data.prefix(64 * 1024), as: UTF8.self) != nil,
            !data.prefix(64 * 1024).contains(where: { $0 < 0x09 || ($0 > 0x0D && $0 < 0x20) })
        {
            return "text/plain"
        }
        return nil
    }

    /// Checks one sent file: the problem in words, or the upload.
    static func check(filename: String, data: [UInt8]) -> Result<Upload, FileProblem> {
        let name = String(filename.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last ?? "file").prefix(200)
        if data.count > maxBytes { return .failure(FileProblem(message: "“\(name)” is larger than 5 MB.")) }
        if data.isEmpty { return .failure(FileProblem(message: "“\(name)” is empty.")) }
        guard let type = detectType(data) else {
            return .failure(FileProblem(message: "“\(name)” is not a PDF, JPEG, PNG or plain text file."))
        }
        return .success(Upload(filename: String(name), contentType: type, data: data))
    }

    struct FileProblem: Error { let message: String }

    /// Checks every file sent (at most `maxFiles` are read): the accepted ones, and the last problem found, if any.
    static func checkAll(
        _ files: [(field: String, filename: String, data: [UInt8])]
    ) -> (uploads: [Upload], problem: String?) {
        var uploads: [Upload] = [], problem: String? = nil
        for file in files.prefix(maxFiles) {
            switch check(filename: file.filename, data: file.data) {
            case .success(let upload): uploads.append(upload)
            case .failure(let failure): problem = failure.message
            }
        }
        return (uploads, problem)
    }
}

extension FormData {
    /// Reads a `multipart/form-data` body (RFC 7578): text fields into the form, files into the list.
    /// Written here rather than with MultipartKit, whose parser (4.7) traps on a non-ASCII byte in a header name,
    /// which would let one request stop the server. Nil when the body is not well formed.
    static func multipart(
        _ buffer: ByteBuffer, boundary: String
    ) throws -> (FormData, [(field: String, filename: String, data: [UInt8])]) {
        guard let parts = MultipartBody.parts(Array(buffer.readableBytesView), boundary: boundary) else {
            return (FormData(fields: []), [])
        }
        var fields: [(String, String)] = []
        var files: [(field: String, filename: String, data: [UInt8])] = []
        for part in parts {
            guard let disposition = part.headers["content-disposition"] else { continue }
            let parameters = Self.parameters(disposition)
            guard let name = parameters["name"] else { continue }
            if let filename = parameters["filename"] {
                if !filename.isEmpty || !part.body.isEmpty { files.append((name, filename, part.body)) }
            } else {
                fields.append((name, String(decoding: part.body, as: UTF8.self)))
            }
        }
        return (FormData(fields: fields), files)
    }

    static func parameters(_ header: String) -> [String: String] {
        var result: [String: String] = [:]
        for item in header.split(separator: ";").dropFirst() {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            result[pair[0].trimmingCharacters(in: .whitespaces).lowercased()] = value
        }
        return result
    }
}
