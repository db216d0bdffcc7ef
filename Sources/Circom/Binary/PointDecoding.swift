import BN254
import Dispatch

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Why one point of a section was rejected.
enum PointFault: Error {
    case outOfRange
    case notOnCurve
    case notInSubgroup
}

/// Decoding of iden3 points (Montgomery form, little-endian, infinity = all zeros) straight from mapped
/// bytes, with range and curve checks, spread over threads for large sections.
enum PointDecoding {
    /// Sections with fewer points than this are decoded on the calling thread.
    static let parallelThreshold = 2048

    /// An Fq element from its Montgomery representative at `offset`, or nil when it is not below q.
    @inline(__always)
    static func fq(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> Fq? {
        let limbs = FieldLimbs.load(bytes, offset)
        return FieldLimbs.less(limbs, FqParameters.modulus) ? Fq(montgomeryLimbs: limbs) : nil
    }

    @inline(__always)
    static func decodeG1(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> Result<G1Affine, PointFault> {
        guard let x = fq(bytes, offset), let y = fq(bytes, offset + 32) else { return .failure(.outOfRange) }
        if x.isZero && y.isZero { return .success(.infinity) }
        let point = G1Affine(unchecked: x, y)
        return point.isOnCurve ? .success(point) : .failure(.notOnCurve)
    }

    @inline(__always)
    static func decodeG2(_ bytes: UnsafeRawBufferPointer, _ offset: Int, checkSubgroup: Bool) -> Result<
        G2Affine, PointFault
    > {
        guard let x0 = fq(bytes, offset), let x1 = fq(bytes, offset + 32), let y0 = fq(bytes, offset + 64),
            let y1 = fq(bytes, offset + 96)
        else { return .failure(.outOfRange) }
        let x = Fq2(x0, x1)
        let y = Fq2(y0, y1)
        if x.isZero && y.isZero { return .success(.infinity) }
        let point = G2Affine(unchecked: x, y)
        guard point.isOnCurve else { return .failure(.notOnCurve) }
        if checkSubgroup && !point.isInSubgroup { return .failure(.notInSubgroup) }
        return .success(point)
    }

    /// Decodes `count` points of `stride` bytes from the cursor's current position, in parallel chunks when
    /// `count` is large. The first bad point (lowest index) decides the error, so the result does not
    /// depend on the thread schedule.
    static func decode<Point: Sendable>(
        _ cursor: inout ByteCursor, count: Int, stride: Int, group: String, workers: Int,
        infinity: Point, release: MappedFile? = nil,
        _ decodeOne: @escaping @Sendable (UnsafeRawBufferPointer, Int) -> Result<Point, PointFault>
    ) throws(CircomError) -> [Point] {
        let start = try cursor.take(count * stride)
        let bytes = UncheckedSendable(cursor.bytes)
        // Chunks of at most 16384 points (1–2 MiB), at least four per worker for balance.
        let chunkCount = count < parallelThreshold ? 1 : max(max(1, workers) * 4, (count + 16383) / 16384)
        var faults = [(index: Int, fault: PointFault)?](repeating: nil, count: chunkCount)
        let points = [Point](unsafeUninitializedCapacity: count) { buffer, initialized in
            let output = UncheckedSendable(buffer)
            faults.withUnsafeMutableBufferPointer { faultBuffer in
                let faultOutput = UncheckedSendable(faultBuffer)
                let work: @Sendable (Int) -> Void = { chunk in
                    let lower = count * chunk / chunkCount
                    let upper = count * (chunk + 1) / chunkCount
                    var firstFault: (index: Int, fault: PointFault)? = nil
                    for i in lower..<upper {
                        switch decodeOne(bytes.value, start + i * stride) {
                        case .success(let point):
                            (output.value.baseAddress! + i).initialize(to: point)
                        case .failure(let fault):
                            // Every slot is initialized even after a fault, so the array is always whole.
                            (output.value.baseAddress! + i).initialize(to: infinity)
                            if firstFault == nil { firstFault = (i, fault) }
                        }
                    }
                    faultOutput.value[chunk] = firstFault
                    // The chunk's bytes are decoded: let its pages go, so that the mapped file and the decoded
                    // points are never resident together in full.
                    release?.discard((start + lower * stride)..<(start + upper * stride))
                }
                if chunkCount == 1 {
                    work(0)
                } else {
                    DispatchQueue.concurrentPerform(iterations: chunkCount, execute: work)
                }
            }
            initialized = count
        }
        if let (index, fault) = faults.lazy.compactMap({ $0 }).first {
            let offset = start + index * stride
            switch fault {
            case .outOfRange:
                throw .valueOutOfRange(file: cursor.file, section: cursor.section, offset: offset, field: "Fq")
            case .notOnCurve:
                throw .pointNotOnCurve(
                    file: cursor.file, section: cursor.section, index: index, offset: offset, group: group)
            case .notInSubgroup:
                throw .pointNotInSubgroup(file: cursor.file, section: cursor.section, index: index, offset: offset)
            }
        }
        return points
    }

    static func g1Points(
        _ cursor: inout ByteCursor, count: Int, workers: Int, release: MappedFile? = nil
    ) throws(CircomError) -> [G1Affine] {
        try decode(
            &cursor, count: count, stride: 64, group: "G1", workers: workers, infinity: .infinity, release: release
        ) {
            decodeG1($0, $1)
        }
    }

    static func g2Points(
        _ cursor: inout ByteCursor, count: Int, workers: Int, checkSubgroup: Bool, release: MappedFile? = nil
    ) throws(CircomError) -> [G2Affine] {
        try decode(
            &cursor, count: count, stride: 128, group: "G2", workers: workers, infinity: .infinity, release: release
        ) {
            decodeG2($0, $1, checkSubgroup: checkSubgroup)
        }
    }

    /// Checks `count` G1 points as `g1Points` does, without keeping them.
    static func checkG1Points(
        _ cursor: inout ByteCursor, count: Int, workers: Int, release: MappedFile? = nil
    ) throws(CircomError) {
        // One byte per point for the (unused) results.
        _ = try decode(
            &cursor, count: count, stride: 64, group: "G1", workers: workers, infinity: false, release: release
        ) {
            decodeG1($0, $1).map { _ in true }
        }
    }

    /// Checks `count` G2 points as `g2Points` does, without keeping them.
    static func checkG2Points(
        _ cursor: inout ByteCursor, count: Int, workers: Int, checkSubgroup: Bool, release: MappedFile? = nil
    ) throws(CircomError) {
        _ = try decode(
            &cursor, count: count, stride: 128, group: "G2", workers: workers, infinity: false, release: release
        ) {
            decodeG2($0, $1, checkSubgroup: checkSubgroup).map { _ in true }
        }
    }

    static func g1(_ cursor: inout ByteCursor) throws(CircomError) -> G1Affine {
        try g1Points(&cursor, count: 1, workers: 1)[0]
    }

    static func g2(_ cursor: inout ByteCursor) throws(CircomError) -> G2Affine {
        try g2Points(&cursor, count: 1, workers: 1, checkSubgroup: true)[0]
    }

    static var defaultWorkers: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }
}

/// A buffer that `concurrentPerform`'s workers share: each worker writes only its own disjoint slots, and
/// nobody reads them until all workers have returned, which is what makes the sharing sound.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
