import BN254
import Circom
import Foundation
import Groth16
import TestSupport
import Testing

/// Damaged files must give the expected typed error, never a crash or an out-of-bounds read.
@Suite("malformed binary files")
struct MalformedFileTests {
    /// Parses bytes as the format the path's extension names.
    static func parse(_ bytes: [UInt8], as path: String) throws {
        switch path.split(separator: ".").last {
        case "r1cs": _ = try R1CSFile(bytes: bytes, file: path)
        case "wtns": _ = try WitnessFile(bytes: bytes, file: path)
        // The B2 subgroup check is the slow part of a load and has its own test below; these tests damage
        // structure, ranges and curve membership, which are checked either way.
        default: _ = try ZKeyFile(bytes: bytes, file: path, options: .init(checkB2Subgroup: false))
        }
    }

    static func error(_ bytes: [UInt8], as path: String) -> CircomError? {
        do {
            try parse(bytes, as: path)
            return nil
        } catch let error as CircomError {
            return error
        } catch {
            Issue.record("untyped error \(error)")
            return nil
        }
    }

    @Test(
        "truncating a file anywhere is .truncated", .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"),
        arguments: TestData.allBinaryFiles)
    func truncation(path: String) throws {
        guard let bytes = TestData.bytes(path) else { return }
        var cuts = [0, 1, 3, 4, 8, 11, 12, 13, 20, bytes.count / 3, bytes.count / 2, bytes.count - 33, bytes.count - 1]
        // Every section boundary, and one byte into and short of each payload.
        for (_, s) in sectionOffsets(bytes) {
            cuts += [s.offset - 12, s.offset - 1, s.offset, s.offset + 1, s.offset + s.size - 1]
        }
        for cut in Set(cuts) where cut >= 0 && cut < bytes.count {
            let error = Self.error(Array(bytes[..<cut]), as: path)
            guard case .truncated? = error else {
                Issue.record("\(path) cut at \(cut): expected .truncated, got \(String(describing: error))")
                continue
            }
        }
    }

    @Test(
        "a flipped magic is .wrongMagic", .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"),
        arguments: TestData.allBinaryFiles)
    func wrongMagic(path: String) throws {
        guard var bytes = TestData.bytes(path) else { return }
        bytes[1] ^= 0x20
        let expected = String(path.split(separator: ".").last!)
        #expect(Self.error(bytes, as: path) == .wrongMagic(file: path, expected: expected, found: Array(bytes[0..<4])))
    }

    @Test(
        "another version is .unsupportedVersion", .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"),
        arguments: TestData.allBinaryFiles)
    func wrongVersion(path: String) throws {
        guard var bytes = TestData.bytes(path) else { return }
        bytes[4] = 7
        guard case .unsupportedVersion(_, _, _, 7)? = Self.error(bytes, as: path) else {
            Issue.record("expected .unsupportedVersion")
            return
        }
    }

    @Test(
        "a changed prime is .wrongPrime naming the field",
        .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"), arguments: TestData.allBinaryFiles)
    func wrongPrime(path: String) throws {
        guard var bytes = TestData.bytes(path) else { return }
        let isZKey = path.hasSuffix(".zkey")
        let header = sectionOffsets(bytes)[isZKey ? 2 : 1]!.offset
        // The prime's lowest byte: r in .r1cs/.wtns, q then r in .zkey.
        var copy = bytes
        copy[header + 4] ^= 2
        guard case .wrongPrime(_, let section, let offset, let field, _)? = Self.error(copy, as: path) else {
            Issue.record("expected .wrongPrime, got \(String(describing: Self.error(copy, as: path)))")
            return
        }
        #expect(offset == header + 4)
        #expect(field == (isZKey ? "q" : "r"))
        #expect(section == (isZKey ? 2 : 1))
        if isZKey {
            bytes[header + 40] ^= 2
            guard case .wrongPrime(_, 2, _, "r", _)? = Self.error(bytes, as: path) else {
                Issue.record("expected .wrongPrime for r")
                return
            }
        }
    }

    @Test(
        "a curve with 48-byte elements is .wrongFieldSize",
        .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"), arguments: TestData.allBinaryFiles)
    func wrongFieldSize(path: String) throws {
        guard var bytes = TestData.bytes(path) else { return }
        let header = sectionOffsets(bytes)[path.hasSuffix(".zkey") ? 2 : 1]!.offset
        bytes[header] = 48
        guard case .wrongFieldSize(_, _, _, 48)? = Self.error(bytes, as: path) else {
            Issue.record("expected .wrongFieldSize")
            return
        }
    }

    @Test(
        "a duplicated, missing or resized section is reported",
        .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"), arguments: TestData.allBinaryFiles)
    func sectionStructure(path: String) throws {
        guard let bytes = TestData.bytes(path) else { return }
        let sections = sectionOffsets(bytes)
        // Duplicate: relabel the last section as a copy of the header section's type.
        let last = sections.max { $0.value.offset < $1.value.offset }!
        var duplicate = bytes
        let headerType: UInt8 = path.hasSuffix(".zkey") ? 2 : 1
        if last.key != UInt32(headerType) {
            duplicate[last.value.offset - 12] = headerType
            guard case .duplicateSection(_, UInt32(headerType), _)? = Self.error(duplicate, as: path) else {
                Issue.record("expected .duplicateSection")
                return
            }
        }
        // Missing: relabel the header section as type 99.
        var missing = bytes
        missing[sections[UInt32(headerType)]!.offset - 12] = 99
        guard case .missingSection(_, UInt32(headerType), _)? = Self.error(missing, as: path) else {
            Issue.record("expected .missingSection, got \(String(describing: Self.error(missing, as: path)))")
            return
        }
        // Trailing bytes after the announced sections.
        #expect(Self.error(bytes + [0], as: path) == .trailingBytes(file: path, offset: bytes.count, count: 1))
    }

    @Test(
        "a count that disagrees with a section's size is .sectionSize",
        .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"))
    func countMismatch() throws {
        guard var zkey = TestData.bytes("snarkjs-groth16/circuit.zkey"),
            var wtns = TestData.bytes("snarkjs-groth16/witness.wtns")
        else { return }
        let header = sectionOffsets(zkey)[2]!.offset
        zkey[header + 72] += 1 // nVars 103 → 104
        #expect(
            Self.error(zkey, as: "k.zkey")
                == .sectionSize(file: "k.zkey", section: 5, expected: 104 * 64, actual: 103 * 64))
        let count = sectionOffsets(wtns)[1]!.offset + 36
        wtns[count] += 1
        #expect(
            Self.error(wtns, as: "w.wtns")
                == .sectionSize(file: "w.wtns", section: 2, expected: 104 * 32, actual: 103 * 32))
    }

    @Test(
        "a zkey for PLONK is .unsupportedProtocol", .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"))
    func plonk() throws {
        guard var bytes = TestData.bytes("arkworks-mycircuit/test.zkey") else { return }
        bytes[sectionOffsets(bytes)[1]!.offset] = 2
        #expect(Self.error(bytes, as: "p.zkey") == .unsupportedProtocol(file: "p.zkey", protocolID: 2))
    }

    @Test(
        "a corrupted point is .pointNotOnCurve, a coordinate ≥ q is .valueOutOfRange",
        .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"), arguments: TestData.zkeyFiles.map(\.0))
    func corruptedPoints(path: String) throws {
        guard let bytes = TestData.bytes(path) else { return }
        let sections = sectionOffsets(bytes)
        // (section, byte offset of a point, index in its section, group); the header's α₁ is at +84, β₂ at +212.
        let header = sections[2]!.offset
        var targets: [(UInt32, Int, Int, String)] = [(2, header + 84, 0, "G1"), (2, header + 212, 0, "G2")]
        for type: UInt32 in [3, 5, 6, 7, 8, 9] {
            let s = sections[type]!
            let stride = type == 7 ? 128 : 64
            // The last point that is not infinity.
            if let index = (0..<(s.size / stride)).last(where: { i in
                bytes[(s.offset + i * stride)..<(s.offset + (i + 1) * stride)].contains { $0 != 0 }
            }) {
                targets.append((type, s.offset + index * stride, index, type == 7 ? "G2" : "G1"))
            }
        }
        for (section, offset, index, group) in targets {
            var offCurve = bytes
            offCurve[offset] ^= 1
            let error = Self.error(offCurve, as: path)
            switch error {
            case .pointNotOnCurve(_, section, index, offset, group)?: break
            default:
                Issue.record(
                    "\(path) section \(section) point \(index): expected .pointNotOnCurve, got \(String(describing: error))"
                )
            }
            var outOfRange = bytes
            for i in 0..<32 { outOfRange[offset + i] = 0xff }
            guard case .valueOutOfRange(_, section, offset, "Fq")? = Self.error(outOfRange, as: path) else {
                Issue.record("\(path) section \(section): expected .valueOutOfRange")
                continue
            }
        }
    }

    @Test(
        "a G2 point on the twist but outside the subgroup is refused unless the check is off",
        .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"))
    func b2OutsideSubgroup() throws {
        guard let bytes = TestData.bytes("arkworks-mycircuit/test.zkey") else { return }
        // A twist point outside G2: the smallest x with x³ + b' a square in Fq2, found by search.
        var x = Fq2(Fq(1), .zero)
        var point: G2Affine? = nil
        while point == nil {
            if let y = (x * x * x + G2Parameters.b).squareRoot(), let p = try? G2Affine(x: x, y: y), !p.isInSubgroup {
                point = p
            }
            x += Fq2.one
        }
        var damaged = bytes
        let b2 = sectionOffsets(bytes)[7]!.offset
        damaged.replaceSubrange(b2..<(b2 + 128), with: point!.iden3Bytes)
        #expect(throws: CircomError.pointNotInSubgroup(file: "k.zkey", section: 7, index: 0, offset: b2)) {
            try ZKeyFile(bytes: damaged, file: "k.zkey")
        }
        let unchecked = try ZKeyFile(bytes: damaged, options: .init(checkB2Subgroup: false))
        #expect(unchecked.provingKey.b2[0] == point!)
    }

    @Test(
        "a coefficient or witness value ≥ r is .valueOutOfRange",
        .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"))
    func scalarOutOfRange() throws {
        guard var zkey = TestData.bytes("arkworks-mycircuit/test.zkey"),
            var wtns = TestData.bytes("snarkjs-groth16/witness.wtns"),
            var r1cs = TestData.bytes("arkworks-mycircuit/mycircuit.r1cs")
        else { return }
        let coefficient = sectionOffsets(zkey)[4]!.offset + 4 + 12
        for i in 0..<32 { zkey[coefficient + i] = 0xff }
        #expect(
            Self.error(zkey, as: "k.zkey")
                == .valueOutOfRange(file: "k.zkey", section: 4, offset: coefficient, field: "Fr"))
        let value = sectionOffsets(wtns)[2]!.offset + 64
        for i in 0..<32 { wtns[value + i] = 0xff }
        #expect(
            Self.error(wtns, as: "w.wtns") == .valueOutOfRange(file: "w.wtns", section: 2, offset: value, field: "Fr"))
        let term = sectionOffsets(r1cs)[2]!.offset + 8
        for i in 0..<32 { r1cs[term + i] = 0xff }
        #expect(
            Self.error(r1cs, as: "c.r1cs") == .valueOutOfRange(file: "c.r1cs", section: 2, offset: term, field: "Fr"))
    }

    @Test(
        "random damage never crashes", .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"),
        arguments: TestData.allBinaryFiles)
    func randomDamage(path: String) throws {
        guard let bytes = TestData.bytes(path) else { return }
        var generator = SeededRandom.forTest("randomDamage(\(path))")
        for _ in 0..<40 {
            var damaged = bytes
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                damaged[Int.random(in: 0..<damaged.count, using: &generator)] = UInt8.random(
                    in: 0...255, using: &generator)
            }
            _ = Self.error(damaged, as: path) // any typed error, or none if the damage hit a harmless byte
        }
    }

    @Test("errors name the file and say what to do")
    func messages() {
        let truncated = CircomError.truncated(file: "a.zkey", section: 7, offset: 100, needed: 128, available: 3)
        #expect(truncated.description.contains("a.zkey") && truncated.description.contains("section 7"))
        #expect(
            CircomError.wrongPrime(
                file: "c.r1cs", section: 1, offset: 16, field: "r",
                found: "52435875175126190479447740508185965837690552500527637822603658699938581184513"
            )
            .description.contains("bn128"))
        #expect(CircomError.unsupportedProtocol(file: "p.zkey", protocolID: 2).description.contains("PLONK"))
    }

    @Test("a missing file is .io")
    func missingFile() {
        #expect(throws: CircomError.self) { try ZKeyFile(contentsOf: URL(fileURLWithPath: "/nonexistent/k.zkey")) }
    }
}
