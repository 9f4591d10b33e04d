import Fluent
import Foundation
import Vapor

/// A submitted `application/x-www-form-urlencoded` form, read once. Keeps repeated names (checkboxes).
struct FormData: Sendable {
    private(set) var fields: [(name: String, value: String)] = []

    init(fields: [(String, String)]) { self.fields = fields.map { (name: $0.0, value: $0.1) } }

    init(encoded: String) {
        for pair in encoded.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            fields.append((name: decode(parts[0]), value: parts.count > 1 ? decode(parts[1]) : ""))
        }
    }

    /// The first value of `name`, without surrounding white space; "" when absent.
    subscript(_ name: String) -> String {
        (fields.first { $0.name == name }?.value ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The first value exactly as typed (passwords, bodies).
    func raw(_ name: String) -> String { fields.first { $0.name == name }?.value ?? "" }

    func values(_ name: String) -> [String] { fields.filter { $0.name == name }.map(\.value) }

    func has(_ name: String) -> Bool { fields.contains { $0.name == name } }
}

private struct FormDataKey: StorageKey { typealias Value = FormData }
private struct FilesKey: StorageKey { typealias Value = [(field: String, filename: String, data: [UInt8])] }

extension Request {
    /// The request's form (empty for a GET or a body of another type).
    var form: FormData {
        if let known = storage[FormDataKey.self] { return known }
        var form = FormData(fields: [])
        if method == .POST, headers.contentType == .urlEncodedForm, let buffer = body.data {
            form = FormData(encoded: String(buffer: buffer))
        } else if method == .POST, let type = headers.contentType, type.type == "multipart",
            type.subType == "form-data",
            let boundary = type.parameters["boundary"], let buffer = body.data,
            let (fields, files) = try? FormData.multipart(buffer, boundary: boundary)
        {
            form = fields
            storage[FilesKey.self] = files
        }
        storage[FormDataKey.self] = form
        return form
    }
}

extension Request {
    /// The files of a `multipart/form-data` form (read with `form`).
    var files: [(field: String, filename: String, data: [UInt8])] {
        _ = form
        return storage[FilesKey.self] ?? []
    }
}
