import Foundation

/// Reads a file line by line in 1 MiB chunks, so memory stays flat whatever the file's size.
/// A line longer than `maxLineBytes` is skipped to its end and reported by its length only.
struct LineReader {
    enum Line { case text(ArraySlice<UInt8>), oversized(Int) }

    let handle: FileHandle
    var maxLineBytes = 4 << 20
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    private var skipped = 0  // bytes of an oversized line dropped so far

    init(handle: FileHandle) { self.handle = handle }

    mutating func next() throws -> Line? {
        while true {
            let found = buffer.withUnsafeBytes { raw -> Int? in
                guard start < raw.count, let hit = memchr(raw.baseAddress! + start, 0x0A, raw.count - start) else {
                    return nil
                }
                return raw.baseAddress!.distance(to: UnsafeRawPointer(hit))
            }
            if let newline = found {
                let line = buffer[start..<newline]
                start = newline + 1
                if skipped > 0 {
                    defer { skipped = 0 }
                    return .oversized(skipped + line.count)
                }
                return .text(line)
            }
            if atEnd {
                guard start < buffer.count || skipped > 0 else { return nil }
                let line = buffer[start...]
                start = buffer.count
                if skipped > 0 {
                    defer { skipped = 0 }
                    return .oversized(skipped + line.count)
                }
                return .text(line)
            }
            if buffer.count - start > maxLineBytes {
                skipped += buffer.count - start
                start = buffer.count
            }
            let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            buffer.removeSubrange(0..<start)
            start = 0
            if chunk.isEmpty { atEnd = true } else { buffer.append(contentsOf: chunk) }
        }
    }
}
