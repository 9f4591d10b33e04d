/// A POSIX ustar archive of regular files (what `tar -xf` reads), for an evidence bundle written to one file.
/// Paths are at most 100 bytes of ASCII (the bundle's own names); directories are made by `tar` from the paths.
public enum TarArchive {
    public static func make(_ files: [(path: String, bytes: [UInt8])], modified: Int64) -> [UInt8] {
        var out: [UInt8] = []
        for file in files {
            precondition(file.path.utf8.count <= 100 && file.path.allSatisfy(\.isASCII), "a short ASCII path")
            var header = [UInt8](repeating: 0, count: 512)
            func put(_ text: String, at offset: Int) {
                for (index, byte) in text.utf8.enumerated() { header[offset + index] = byte }
            }
            func octal(_ value: Int64, width: Int) -> String {
                let digits = String(value, radix: 8)
                return String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits
            }
            put(file.path, at: 0)
            put(octal(0o444, width: 8), at: 100)  // read-only: an original is not to be edited
            put(octal(0, width: 8), at: 108)
            put(octal(0, width: 8), at: 116)
            put(octal(Int64(file.bytes.count), width: 12), at: 124)
            put(octal(modified, width: 12), at: 136)
            put("        ", at: 148)  // the checksum counts its own field as spaces
            header[156] = UInt8(ascii: "0")
            put("ustar", at: 257)
            put("00", at: 263)
            let checksum = header.reduce(0) { $0 + Int64($1) }
            put(octal(checksum, width: 7) + "\0", at: 148)
            out += header
            out += file.bytes
            out += [UInt8](repeating: 0, count: (512 - file.bytes.count % 512) % 512)
        }
        out += [UInt8](repeating: 0, count: 1024)
        return out
    }
}
