/// QR codes (ISO/IEC 18004), byte mode, error correction level M, versions 1 to 10 (up to 213 bytes): enough for
/// an `otpauth://` URI, which `provernet admin init` draws in the terminal for an authenticator app to scan.
/// Written here: no QR encoder is on this machine's package list. It follows the standard's construction (as
/// Project Nayuki's reference implementation lays it out): the data codewords, Reed–Solomon error correction
/// over GF(2⁸) (polynomial 0x11D) per block, interleaving, the function patterns, the zigzag placement, the
/// eight masks scored by the standard's four penalty rules, and BCH-coded format and version information.
/// `Tests/GatewayTests/QRCodeTests` decodes what it draws with zbar, an independent decoder.
public struct QRCode: Sendable, Equatable {
    /// The number of modules per side (21 for version 1, 4 more per version).
    public let size: Int
    public let version: Int
    public let mask: Int
    /// Row-major: `modules[y * size + x]`, true for dark.
    public let modules: [Bool]

    public enum EncodingError: Error, Equatable, CustomStringConvertible {
        case tooLong(bytes: Int, limit: Int)

        public var description: String {
            switch self {
            case .tooLong(let bytes, let limit): "\(bytes) bytes do not fit a QR code of version 10-M (\(limit))"
            }
        }
    }

    public subscript(x x: Int, y y: Int) -> Bool { modules[y * size + x] }

    // Level M, versions 1…10: error-correction codewords per block, and blocks.
    static let eccPerBlock = [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26]
    static let blockCount = [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5]
    static let maxVersion = 10

    /// The code of `bytes` in the smallest version that holds them, with the mask of least penalty (or
    /// `mask`, 0…7, when given).
    public init(bytes: [UInt8], mask forcedMask: Int? = nil) throws(EncodingError) {
        var chosen: Int?
        for version in 1...Self.maxVersion where Self.dataCapacityBits(version) >= Self.bitsNeeded(bytes.count, version)
        {
            chosen = version
            break
        }
        guard let version = chosen else {
            throw .tooLong(bytes: bytes.count, limit: Self.dataCapacityBits(Self.maxVersion) / 8 - 3)
        }
        self.version = version
        size = version * 4 + 17
        var builder = Builder(size: size, version: version)
        builder.drawFunctionPatterns()
        builder.drawCodewords(Self.interleaved(Self.dataCodewords(bytes, version: version), version: version))
        var best: (mask: Int, modules: [Bool], penalty: Int)?
        for candidate in forcedMask.map({ [$0] }) ?? Array(0..<8) {
            var trial = builder
            trial.applyMask(candidate)
            trial.drawFormatBits(mask: candidate)
            let penalty = trial.penalty()
            if best == nil || penalty < best!.penalty { best = (candidate, trial.modules, penalty) }
        }
        mask = best!.mask
        modules = best!.modules
    }

    // MARK: Data

    static func rawDataModules(_ version: Int) -> Int {
        var result = (16 * version + 128) * version + 64
        if version >= 2 {
            let align = version / 7 + 2
            result -= (25 * align - 10) * align - 55
            if version >= 7 { result -= 36 }
        }
        return result
    }

    static func dataCodewordCount(_ version: Int) -> Int {
        rawDataModules(version) / 8 - eccPerBlock[version] * blockCount[version]
    }

    static func dataCapacityBits(_ version: Int) -> Int { dataCodewordCount(version) * 8 }

    /// Mode (4 bits), count (8 bits below version 10, 16 from it), the bytes.
    static func bitsNeeded(_ count: Int, _ version: Int) -> Int { 4 + (version < 10 ? 8 : 16) + 8 * count }

    static func dataCodewords(_ bytes: [UInt8], version: Int) -> [UInt8] {
        var bits: [Bool] = []
        func append(_ value: Int, _ length: Int) {
            for i in stride(from: length - 1, through: 0, by: -1) { bits.append((value >> i) & 1 == 1) }
        }
        append(0b0100, 4)
        append(bytes.count, version < 10 ? 8 : 16)
        for byte in bytes { append(Int(byte), 8) }
        let capacity = dataCapacityBits(version)
        append(0, min(4, capacity - bits.count))
        append(0, (8 - bits.count % 8) % 8)
        var codewords = stride(from: 0, to: bits.count, by: 8).map { start in
            (0..<8).reduce(UInt8(0)) { $0 << 1 | (bits[start + $1] ? 1 : 0) }
        }
        var pad: UInt8 = 0xEC
        while codewords.count < capacity / 8 {
            codewords.append(pad)
            pad ^= 0xEC ^ 0x11
        }
        return codewords
    }

    /// The data split into blocks, each followed by its error correction, interleaved.
    static func interleaved(_ data: [UInt8], version: Int) -> [UInt8] {
        let blocks = blockCount[version]
        let ecc = eccPerBlock[version]
        let raw = rawDataModules(version) / 8
        let shortBlocks = blocks - raw % blocks
        let shortLength = raw / blocks
        let generator = ReedSolomon.generator(degree: ecc)
        var split: [[UInt8]] = []
        var k = 0
        for i in 0..<blocks {
            let length = shortLength - ecc + (i < shortBlocks ? 0 : 1)
            let block = Array(data[k..<k + length])
            k += length
            var full = block
            if i < shortBlocks { full.append(0) } // a place holder, skipped when interleaving
            full += ReedSolomon.remainder(block, generator: generator)
            split.append(full)
        }
        var result: [UInt8] = []
        for i in 0..<split[0].count {
            for (j, block) in split.enumerated() where i != shortLength - ecc || j >= shortBlocks {
                result.append(block[i])
            }
        }
        return result
    }

    // MARK: Drawing

    struct Builder {
        let size: Int
        let version: Int
        var modules: [Bool]
        var isFunction: [Bool]

        init(size: Int, version: Int) {
            self.size = size
            self.version = version
            modules = Array(repeating: false, count: size * size)
            isFunction = Array(repeating: false, count: size * size)
        }

        mutating func set(_ x: Int, _ y: Int, _ dark: Bool) {
            modules[y * size + x] = dark
            isFunction[y * size + x] = true
        }

        mutating func drawFunctionPatterns() {
            for i in 0..<size {
                set(6, i, i % 2 == 0)
                set(i, 6, i % 2 == 0)
            }
            drawFinder(3, 3)
            drawFinder(size - 4, 3)
            drawFinder(3, size - 4)
            let positions = alignmentPositions()
            let last = positions.count - 1
            for (i, x) in positions.enumerated() {
                for (j, y) in positions.enumerated()
                where !((i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0)) {
                    for dy in -2...2 {
                        for dx in -2...2 { set(x + dx, y + dy, max(abs(dx), abs(dy)) != 1) }
                    }
                }
            }
            // Reserve the format bits (drawn for real once the mask is known), and draw the version's.
            drawFormatBits(mask: 0)
            if version >= 7 {
                var remainder = version
                for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
                let bits = version << 12 | remainder
                for i in 0..<18 {
                    let dark = (bits >> i) & 1 == 1
                    let a = size - 11 + i % 3
                    let b = i / 3
                    set(a, b, dark)
                    set(b, a, dark)
                }
            }
        }

        mutating func drawFinder(_ cx: Int, _ cy: Int) {
            for dy in -4...4 {
                for dx in -4...4 {
                    let x = cx + dx
                    let y = cy + dy
                    guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                    let distance = max(abs(dx), abs(dy))
                    set(x, y, distance != 2 && distance != 4)
                }
            }
        }

        func alignmentPositions() -> [Int] {
            guard version >= 2 else { return [] }
            let count = version / 7 + 2
            let step = (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
            var result = [6]
            var position = size - 7
            var rest: [Int] = []
            for _ in 0..<(count - 1) {
                rest.insert(position, at: 0)
                position -= step
            }
            result += rest
            return result
        }

        /// Level M (format bits 00) and the mask, BCH(15,5)-coded and masked with 0x5412, in both places.
        mutating func drawFormatBits(mask: Int) {
            let data = 0b00 << 3 | mask
            var remainder = data
            for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
            let bits = (data << 10 | remainder) ^ 0x5412
            func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
            for i in 0...5 { set(8, i, bit(i)) }
            set(8, 7, bit(6))
            set(8, 8, bit(7))
            set(7, 8, bit(8))
            for i in 9..<15 { set(14 - i, 8, bit(i)) }
            for i in 0..<8 { set(size - 1 - i, 8, bit(i)) }
            for i in 8..<15 { set(8, size - 15 + i, bit(i)) }
            set(8, size - 8, true)
        }

        /// The codewords' bits in the zigzag order, two columns at a time from the right, skipping the
        /// vertical timing pattern; what is left (the remainder bits) stays light.
        mutating func drawCodewords(_ codewords: [UInt8]) {
            var i = 0
            var right = size - 1
            while right >= 1 {
                if right == 6 { right = 5 }
                for vertical in 0..<size {
                    for j in 0..<2 {
                        let x = right - j
                        let upward = (right + 1) & 2 == 0
                        let y = upward ? size - 1 - vertical : vertical
                        if !isFunction[y * size + x], i < codewords.count * 8 {
                            modules[y * size + x] = (codewords[i >> 3] >> (7 - UInt8(i & 7))) & 1 == 1
                            i += 1
                        }
                    }
                }
                right -= 2
            }
        }

        mutating func applyMask(_ mask: Int) {
            for y in 0..<size {
                for x in 0..<size where !isFunction[y * size + x] {
                    let invert: Bool =
                        switch mask {
                        case 0: (x + y) % 2 == 0
                        case 1: y % 2 == 0
                        case 2: x % 3 == 0
                        case 3: (x + y) % 3 == 0
                        case 4: (x / 3 + y / 2) % 2 == 0
                        case 5: x * y % 2 + x * y % 3 == 0
                        case 6: (x * y % 2 + x * y % 3) % 2 == 0
                        default: ((x + y) % 2 + x * y % 3) % 2 == 0
                        }
                    if invert { modules[y * size + x].toggle() }
                }
            }
        }

        /// The standard's penalty: runs of five or more, 2×2 blocks, finder-like patterns, and imbalance.
        func penalty() -> Int {
            var score = 0
            func line(_ at: (Int) -> Bool) {
                var run = 1
                for i in 1..<size {
                    if at(i) == at(i - 1) {
                        run += 1
                    } else {
                        if run >= 5 { score += 3 + run - 5 }
                        run = 1
                    }
                }
                if run >= 5 { score += 3 + run - 5 }
                // 1:1:3:1:1 with four light modules on one side.
                let pattern = [true, false, true, true, true, false, true]
                for start in 0...(size - 7) where (0..<7).allSatisfy({ at(start + $0) == pattern[$0] }) {
                    let before = (max(0, start - 4)..<start).allSatisfy { !at($0) } && start >= 4
                    let after = (start + 7..<min(size, start + 11)).allSatisfy { !at($0) } && start + 11 <= size
                    if before || after { score += 40 }
                }
            }
            for y in 0..<size { line { modules[y * size + $0] } }
            for x in 0..<size { line { modules[$0 * size + x] } }
            for y in 0..<(size - 1) {
                for x in 0..<(size - 1) {
                    let c = modules[y * size + x]
                    if c == modules[y * size + x + 1], c == modules[(y + 1) * size + x],
                        c == modules[(y + 1) * size + x + 1]
                    {
                        score += 3
                    }
                }
            }
            let dark = modules.filter { $0 }.count
            let total = size * size
            let k = (abs(dark * 20 - total * 10) + total - 1) / total - 1
            score += max(0, k) * 10
            return score
        }
    }

    // MARK: Showing

    /// The code for a terminal: two rows per line with half blocks, black on white (explicit colors, so that
    /// a dark terminal shows it the right way round), with a quiet zone of four modules.
    public var terminalText: String {
        let quiet = 4
        let side = size + 2 * quiet
        func dark(_ x: Int, _ y: Int) -> Bool {
            let (cx, cy) = (x - quiet, y - quiet)
            return (0..<size).contains(cx) && (0..<size).contains(cy) && self[x: cx, y: cy]
        }
        var lines: [String] = []
        for y in stride(from: 0, to: side, by: 2) {
            var line = "\u{1B}[30;47m"
            for x in 0..<side {
                let top = dark(x, y)
                let bottom = y + 1 < side && dark(x, y + 1)
                line += top && bottom ? "█" : top ? "▀" : bottom ? "▄" : " "
            }
            lines.append(line + "\u{1B}[0m")
        }
        return lines.joined(separator: "\n")
    }

    /// The code as a binary PGM image (`scale` pixels per module, quiet zone of four modules).
    public func pgm(scale: Int = 4) -> [UInt8] {
        let side = (size + 8) * scale
        var image = Array("P5\n\(side) \(side)\n255\n".utf8)
        for py in 0..<side {
            for px in 0..<side {
                let x = px / scale - 4
                let y = py / scale - 4
                let isDark = (0..<size).contains(x) && (0..<size).contains(y) && self[x: x, y: y]
                image.append(isDark ? 0 : 255)
            }
        }
        return image
    }
}

/// Reed–Solomon over GF(2⁸) with the primitive polynomial 0x11D, as QR codes use it.
enum ReedSolomon {
    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var result: UInt8 = 0
        var a = a
        var b = b
        while b != 0 {
            if b & 1 != 0 { result ^= a }
            let carry = a & 0x80 != 0
            a <<= 1
            if carry { a ^= 0x1D }
            b >>= 1
        }
        return result
    }

    /// The generator polynomial ∏(x − αⁱ), i < degree, highest coefficient (1) dropped.
    static func generator(degree: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: degree)
        result[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for j in 0..<degree {
                result[j] = multiply(result[j], root)
                if j + 1 < degree { result[j] ^= result[j + 1] }
            }
            root = multiply(root, 0x02)
        }
        return result
    }

    static func remainder(_ data: [UInt8], generator: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: generator.count)
        for byte in data {
            let factor = byte ^ result[0]
            result.removeFirst()
            result.append(0)
            for i in 0..<result.count { result[i] ^= multiply(generator[i], factor) }
        }
        return result
    }
}
