/// A QR code (ISO/IEC 18004, model 2) in byte mode at error-correction level M, drawn as SVG: lets a phone's
/// authenticator app read an `otpauth://` address without JavaScript or any outside service.
/// Follows the structure of Project Nayuki's reference generator; the block table is the standard's.
/// Tested by decoding with zbar (QRCodeTests).
public struct QRCode: Sendable {
    public let version: Int
    public let mask: Int
    /// `modules[y][x]`, true for dark.
    public let modules: [[Bool]]
    public var size: Int { modules.count }

    public enum Failure: Error, Equatable { case tooLong }

    /// Error-correction blocks per version at level M: (blocks, codewords per block, data codewords per block).
    static let blocks: [[(Int, Int, Int)]] = [
        [(1, 26, 16)], [(1, 44, 28)], [(1, 70, 44)], [(2, 50, 32)],
        [(2, 67, 43)], [(4, 43, 27)], [(4, 49, 31)], [(2, 60, 38), (2, 61, 39)],
        [(3, 58, 36), (2, 59, 37)], [(4, 69, 43), (1, 70, 44)], [(1, 80, 50), (4, 81, 51)], [(6, 58, 36), (2, 59, 37)],
        [(8, 59, 37), (1, 60, 38)], [(4, 64, 40), (5, 65, 41)], [(5, 65, 41), (5, 66, 42)], [(7, 73, 45), (3, 74, 46)],
        [(10, 74, 46), (1, 75, 47)], [(9, 69, 43), (4, 70, 44)], [(3, 70, 44), (11, 71, 45)],
        [(3, 67, 41), (13, 68, 42)],
        [(17, 68, 42)], [(17, 74, 46)], [(4, 75, 47), (14, 76, 48)], [(6, 73, 45), (14, 74, 46)],
        [(8, 75, 47), (13, 76, 48)], [(19, 74, 46), (4, 75, 47)], [(22, 73, 45), (3, 74, 46)],
        [(3, 73, 45), (23, 74, 46)],
        [(21, 73, 45), (7, 74, 46)], [(19, 75, 47), (10, 76, 48)], [(2, 74, 46), (29, 75, 47)],
        [(10, 74, 46), (23, 75, 47)],
        [(14, 74, 46), (21, 75, 47)], [(14, 74, 46), (23, 75, 47)], [(12, 75, 47), (26, 76, 48)],
        [(6, 75, 47), (34, 76, 48)],
        [(29, 74, 46), (14, 75, 47)], [(13, 74, 46), (32, 75, 47)], [(40, 75, 47), (7, 76, 48)],
        [(18, 75, 47), (31, 76, 48)]
    ]

    /// Encodes `text` (UTF-8) in the smallest version that holds it; `mask` nil picks the least penalised one.
    public init(_ text: String, mask forcedMask: Int? = nil) throws {
        let bytes = Array(text.utf8)
        guard
            let version = (1...40).first(where: {
                Self.dataCapacityBits($0) >= 4 + ($0 < 10 ? 8 : 16) + 8 * bytes.count
            })
        else {
            throw Failure.tooLong
        }
        var grid = Grid(version: version)
        grid.drawFunctionPatterns()
        grid.drawCodewords(Self.codewords(bytes, version: version))
        var chosen = forcedMask ?? 0
        if forcedMask == nil {
            var best = Int.max
            for candidate in 0..<8 {
                var trial = grid
                trial.applyMask(candidate)
                trial.drawFormatBits(mask: candidate)
                let penalty = trial.penalty()
                if penalty < best { best = penalty; chosen = candidate }
            }
        }
        grid.applyMask(chosen)
        grid.drawFormatBits(mask: chosen)
        self.version = version
        self.mask = chosen
        self.modules = grid.modules
    }

    static func dataCapacityBits(_ version: Int) -> Int {
        blocks[version - 1].reduce(0) { $0 + $1.0 * $1.2 } * 8
    }

    /// Data codewords with their error correction, interleaved as the symbol stores them.
    static func codewords(_ bytes: [UInt8], version: Int) -> [UInt8] {
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) {
            for i in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> i) & 1 == 1) }
        }
        append(0b0100, 4)
        append(bytes.count, version < 10 ? 8 : 16)
        for byte in bytes { append(Int(byte), 8) }
        let capacity = dataCapacityBits(version)
        append(0, min(4, capacity - bits.count))
        append(0, (8 - bits.count % 8) % 8)
        var data: [UInt8] = stride(from: 0, to: bits.count, by: 8).map { i in
            (0..<8).reduce(UInt8(0)) { $0 << 1 | (bits[i + $1] ? 1 : 0) }
        }
        var pad: UInt8 = 0xEC
        while data.count * 8 < capacity { data.append(pad); pad = pad == 0xEC ? 0x11 : 0xEC }

        var dataBlocks: [[UInt8]] = [], eccBlocks: [[UInt8]] = []
        var offset = 0
        for (count, total, dataLength) in blocks[version - 1] {
            for _ in 0..<count {
                let block = Array(data[offset..<offset + dataLength])
                offset += dataLength
                dataBlocks.append(block)
                eccBlocks.append(ReedSolomon.remainder(block, degree: total - dataLength))
            }
        }
        var result: [UInt8] = []
        for i in 0..<(dataBlocks.map(\.count).max() ?? 0) {
            for block in dataBlocks where i < block.count { result.append(block[i]) }
        }
        for i in 0..<(eccBlocks.first?.count ?? 0) { for block in eccBlocks { result.append(block[i]) } }
        return result
    }

    /// The symbol as an SVG image with a quiet zone of four modules; one path, crisp at any size.
    public func svg(pixelsPerModule: Int = 4, title: String = "QR code") -> String {
        let full = size + 8
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard modules[y][x] else { x += 1; continue }
                var run = 1
                while x + run < size && modules[y][x + run] { run += 1 }
                path += "M\(x + 4) \(y + 4)h\(run)v1h-\(run)z"
                x += run
            }
        }
        return
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(full) \(full)\" width=\"\(full * pixelsPerModule)\" "
                + """
                height=\"\(full * pixelsPerModule)\" role=\"img\" aria-label=\"\(title)\" \
                shape-rendering=\"crispEdges\">
                """
            + "<rect width=\"\(full)\" height=\"\(full)\" fill=\"#fff\"/><path fill=\"#000\" d=\"\(path)\"/></svg>"
    }
}
