import Foundation
import ObservatoryCore
import Vapor

/// Removes the metadata of a file that is about to become public (GPS position, camera serial, author…) by
/// re-encoding it. Behind a protocol so tests can see each call and make it fail.
protocol MetadataStripper: Sendable {
    /// The file re-encoded without metadata, or a `MetadataStripFailure` that says why not.
    func strip(_ bytes: [UInt8], contentType: String) async throws -> [UInt8]
}

struct MetadataStripFailure: Error, CustomStringConvertible {
    let description: String
}

/// mat2 (Debian's `mat2`), run as a subprocess on a copy in a private temporary directory.
struct Mat2Stripper: MetadataStripper {
    /// Where to look for the program (the service's `PATH`, else the usual places).
    var searchPath = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/bin:/usr/local/bin:/bin"
    var timeoutSeconds = 60.0
    static let types: Set<String> = ["image/jpeg", "image/png", "application/pdf"]

    var executable: String? {
        searchPath.split(separator: ":").map { "\($0)/mat2" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    func strip(_ bytes: [UInt8], contentType: String) async throws -> [UInt8] {
        guard Self.types.contains(contentType) else {
            throw MetadataStripFailure(description: "only JPEG, PNG and PDF files can have their metadata removed")
        }
        guard let mat2 = executable else {
            throw MetadataStripFailure(
                description: "mat2 is not installed on the server (apt-get install mat2), "
                    + "so the metadata of the file could not be removed")
        }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("observatory-mat2-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: false,
            attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("file.\(Evidence.fileExtension(contentType))")
        try Data(bytes).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: mat2)
        process.arguments = ["--inplace", file.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = errors
        process.standardInput = FileHandle.nullDevice
        let timeout = timeoutSeconds
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: MetadataStripFailure(description: "mat2 could not be started: \(error)"))
                return
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [process] in
                if process.isRunning { process.terminate() }
            }
        }
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile().prefix(300), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard status == 0 else {
            throw MetadataStripFailure(
                description: "mat2 could not remove the metadata (exit status \(status)"
                    + (said.isEmpty ? ")" : ": \(said))"))
        }
        let cleaned = Array(try Data(contentsOf: file))
        guard !cleaned.isEmpty, Upload.detectType(cleaned) == contentType else {
            throw MetadataStripFailure(description: "mat2 did not give back a \(contentType) file")
        }
        return cleaned
    }
}

extension Application {
    private struct StripperKey: StorageKey { typealias Value = any MetadataStripper }

    /// The metadata remover for files that become public (mat2 unless a test sets another).
    var metadataStripper: any MetadataStripper {
        get { storage[StripperKey.self] ?? Mat2Stripper() }
        set { storage[StripperKey.self] = newValue }
    }
}
