import Foundation

/// A file written by the shared generator (`../shared/corpus/gen.py`) with `arguments`, e.g. `--orgs 311 --seed 1`
/// or `--count 400 --seed 7`; the caller removes it.
func sharedGeneratorFile(_ arguments: [String]) throws -> String {
    let path = NSTemporaryDirectory() + "observatory-generated-\(UUID().uuidString).jsonl"
    FileManager.default.createFile(atPath: path, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments =
        ["python3", TestSMTPServer.root.deletingLastPathComponent().appendingPathComponent("shared/corpus/gen.py").path]
        + arguments
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try process.run()
    process.waitUntilExit()
    return path
}
