import Foundation
import ObservatoryCore
import PropertyBased
import Testing

/// Evidence rules without HTTP: the hash, the check of stored bytes, `SHA256SUMS`, bundle paths, the tar writer.
@Suite struct EvidenceCoreTests {
    @Test func theHashIsSHA256AsSha256sumPrintsIt() {
        #expect(
            Evidence.sha256(Array("abc".utf8))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Evidence.sha256([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Evidence.isSHA256(Evidence.sha256([1, 2, 3])) && !Evidence.isSHA256("ABC") && !Evidence.isSHA256(""))
    }

    /// Any change of any byte is found; the unchanged bytes are intact; a missing or malformed record is never
    /// taken as a match.
    @Test func anyChangedByteIsFound() async {
        let bytes = Gen.int(in: 0...255).array(of: 1...400).map { $0.map { UInt8($0) } }
        await propertyCheck(count: 300, input: bytes, Gen.int(in: 0...10_000), Gen.int(in: 1...255)) {
            data, position, delta in
            let recorded = Evidence.sha256(data)
            #expect(Evidence.check(data, recorded: recorded) == .intact)
            var changed = data
            changed[position % data.count] &+= UInt8(delta)
            let result = Evidence.check(changed, recorded: recorded)
            #expect(result == .altered(expected: recorded, found: Evidence.sha256(changed)))
            #expect(result.problem?.contains(recorded) == true)
            #expect(Evidence.check(data, recorded: nil) == .unrecorded)
            #expect(Evidence.check(data, recorded: recorded.uppercased()) == .unrecorded)
        }
    }

    /// Whatever a file id looks like (an attacker's filename never reaches the path), the bundle path stays one
    /// line inside its folder, so `SHA256SUMS` stays in the format `sha256sum -c` reads.
    @Test func bundlePathsStayInsideTheBundle() async {
        let hostile = Gen.oneOf(
            Gen.character(in: " "..."\u{2FF}").string(of: 0...40),
            Gen.int(in: 0...3).map { ["../../etc/passwd", "a\nb\\c", "", "file-abc"][$0] })
        await propertyCheck(count: 500, input: hostile, Gen.int(in: 0...1).map { ["image/jpeg", "x/y"][$0] }) {
            id, type in
            let path = Evidence.bundlePath(fileID: id, contentType: type, derived: id.count % 2 == 0)
            #expect(path.hasPrefix("originals/") || path.hasPrefix("derived/"))
            #expect(!path.contains("..") && !path.contains("\n") && !path.contains("\\") && path.allSatisfy(\.isASCII))
            #expect(path.split(separator: "/").count == 2)
            let sums = Evidence.sums([(path, Evidence.sha256(Array(id.utf8)))])
            #expect(Evidence.parseSums(sums) == [path: Evidence.sha256(Array(id.utf8))])
        }
        #expect(Evidence.parseSums("nothex  a\n") == nil)
        #expect(Evidence.parseSums("\(String(repeating: "a", count: 64)) a\n") == nil, "one space is not the format")
    }

    @Test func sumsAreSortedOneALine() {
        let a = Evidence.sha256([1]), b = Evidence.sha256([2])
        #expect(
            Evidence.sums([("originals/b.pdf", b), ("manifest.json", a)])
                == "\(a)  manifest.json\n\(b)  originals/b.pdf\n")
    }

    /// The tar file is one `tar` itself reads back, byte for byte.
    @Test func tarArchivesAreReadByTar() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("evidence-tar-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var generator = SystemRandomNumberGenerator()
        let big = (0..<1_537).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let files: [(path: String, bytes: [UInt8])] = [
            ("originals/file-a.bin", big), ("SHA256SUMS", Array("x\n".utf8)),
            ("derived/empty.txt", [])
        ]
        let tar = directory.appendingPathComponent("bundle.tar")
        try Data(TarArchive.make(files, modified: 1_764_000_000)).write(to: tar)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tar", "-xf", tar.path, "-C", directory.path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        for file in files {
            let read = try Data(contentsOf: directory.appendingPathComponent(file.path))
            #expect(Array(read) == file.bytes, "\(file.path)")
        }
    }

    @Test func theManifestIsStableJSON() throws {
        let manifest = EvidenceManifest(
            caseID: "case-1", exportedAt: "2026-11-20T01:00:00Z", exportedBy: "me",
            auditEntry: "3:abc", files: [])
        let text = String(decoding: try manifest.encoded(), as: UTF8.self)
        #expect(text.contains("\"case_id\" : \"case-1\"") && text.contains("\"audit_entry\" : \"3:abc\""))
        #expect(try manifest.encoded() == manifest.encoded())
    }
}
