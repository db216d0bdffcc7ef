import Testing

@testable import BN254

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The value at x of the polynomial with coefficients `c` (Horner).
private func evaluate(_ c: [Fr], at x: Fr) -> Fr {
    var acc = Fr.zero
    for coefficient in c.reversed() { acc = acc * x + coefficient }
    return acc
}

private func randomVector(_ count: Int, seed: UInt64) -> [Fr] {
    var g = SeededGenerator(seed: seed)
    return (0..<count).map { _ in Fr.random(using: &g) }
}

/// Checks `values[i]` against the naive evaluation at `first·ratio^i`: at every i for small n, at a few
/// spread-out i (including both ends) for large n.
private func expectEvaluations(_ values: [Fr], of coefficients: [Fr], first: Fr, ratio: Fr) {
    let n = coefficients.count
    let indices = n <= 256 ? Array(0..<n) : [0, 1, 2, n / 3, n / 2 - 1, n / 2, n / 2 + 1, 3 * n / 4 + 5, n - 2, n - 1]
    for i in indices {
        #expect(values[i] == evaluate(coefficients, at: first * ratio.power(UInt64(i))), "n = \(n), i = \(i)")
    }
}

@Suite struct NTTTests {
    @Test(arguments: 0...EvaluationDomain.maximumLogSize)
    func generatorHasExactOrder(logSize: Int) throws {
        let omega = try EvaluationDomain.primitiveRoot(logSize: logSize)
        var x = omega
        for _ in 0..<logSize { x = x.squared() }
        #expect(x == .one)
        if logSize > 0 {
            // ω^(n/2) = −1 ≠ 1, so the order is exactly n and not a proper divisor.
            #expect(omega.power(UInt64(1) << UInt64(logSize - 1)) == -Fr.one)
        } else {
            #expect(omega == .one)
        }
    }

    @Test func domainConstantsAreConsistent() throws {
        #expect(try EvaluationDomain.primitiveRoot(logSize: 28) == Fr(montgomeryLimbs: FrParameters.rootOfUnity))
        for logSize in 0...12 {
            let domain = try EvaluationDomain(logSize: logSize)
            #expect(domain.size == 1 << logSize)
            #expect(domain.generator * domain.generatorInverse == .one)
            #expect(domain.sizeInverse * Fr(UInt64(domain.size)) == .one)
            #expect(domain.element(3) == domain.generator.power(3))
            let shift = try #require(domain.oddCosetShift)
            #expect(shift.squared() == domain.generator)
            #expect(shift.power(UInt64(domain.size)) == -Fr.one)
        }
        #expect(try EvaluationDomain(size: 1024).logSize == 10)
        #expect(try EvaluationDomain(minimumSize: 0).size == 1)
        #expect(try EvaluationDomain(minimumSize: 1).size == 1)
        #expect(try EvaluationDomain(minimumSize: 1000).size == 1024)
        #expect(try EvaluationDomain(minimumSize: 1024).size == 1024)
        #expect(try EvaluationDomain(minimumSize: 1025).size == 2048)
    }

    @Test(arguments: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16])
    func inverseUndoesForward(logSize: Int) throws {
        let domain = try EvaluationDomain(logSize: logSize)
        let original = randomVector(domain.size, seed: UInt64(100 + logSize))
        var values = original
        try domain.ntt(&values)
        try domain.inverseNTT(&values)
        #expect(values == original)
        try domain.inverseNTT(&values)
        try domain.ntt(&values)
        #expect(values == original)
    }

    @Test func inverseUndoesForwardAt2To20() throws {
        let domain = try EvaluationDomain(logSize: 20)
        let original = randomVector(domain.size, seed: 20)
        var values = original
        try domain.ntt(&values)
        expectEvaluations(values, of: original, first: .one, ratio: domain.generator)
        try domain.inverseNTT(&values)
        #expect(values == original)
    }

    @Test(arguments: Array(0...8) + [11, 15, 16])
    func forwardMatchesNaiveEvaluation(logSize: Int) throws {
        let domain = try EvaluationDomain(logSize: logSize)
        let coefficients = randomVector(domain.size, seed: UInt64(200 + logSize))
        var values = coefficients
        try domain.ntt(&values)
        expectEvaluations(values, of: coefficients, first: .one, ratio: domain.generator)
        // And the inverse interpolates: it agrees with evaluation at ω^−i scaled by 1/n.
        var back = coefficients
        try domain.inverseNTT(&back)
        expectEvaluations(
            back.map { $0 * Fr(UInt64(domain.size)) }, of: coefficients, first: .one, ratio: domain.generatorInverse)
    }

    @Test(arguments: Array(0...7) + [12, 15, 16])
    func cosetTransformsMatchNaiveEvaluationAndRoundTrip(logSize: Int) throws {
        let domain = try EvaluationDomain(logSize: logSize)
        let coefficients = randomVector(domain.size, seed: UInt64(300 + logSize))
        for shift in [Fr(7), Fr(5).power(12345), domain.generator] {
            var values = coefficients
            try domain.cosetNTT(&values, shift: shift)
            expectEvaluations(values, of: coefficients, first: shift, ratio: domain.generator)
            try domain.inverseCosetNTT(&values, shift: shift)
            #expect(values == coefficients)
        }
    }

    @Test(arguments: Array(0...7) + [10, 11, 14, 15, 16])
    func oddCosetMoveMatchesNaiveEvaluation(logSize: Int) throws {
        let domain = try EvaluationDomain(logSize: logSize)
        let shift = try #require(domain.oddCosetShift)
        let coefficients = randomVector(domain.size, seed: UInt64(400 + logSize))
        var values = coefficients
        try domain.ntt(&values)
        try domain.moveToOddCoset(&values)
        // The value at ω_2n^(2i+1) = ω_2n·ω^i.
        expectEvaluations(values, of: coefficients, first: shift, ratio: domain.generator)
        // The same as going through the coefficients.
        var viaCoefficients = coefficients
        try domain.cosetNTT(&viaCoefficients, shift: shift)
        #expect(values == viaCoefficients)
    }

    @Test(arguments: [1, 2, 5, 64, 100, 1000, 3000])
    func productViaNTTMatchesSchoolbook(degree: Int) throws {
        let a = randomVector(degree + 1, seed: UInt64(500 + degree))
        let b = randomVector(degree / 2 + 1, seed: UInt64(600 + degree))
        var schoolbook = [Fr](repeating: .zero, count: a.count + b.count - 1)
        for i in a.indices { for j in b.indices { schoolbook[i + j] += a[i] * b[j] } }

        let domain = try EvaluationDomain(minimumSize: schoolbook.count)
        var x = a + [Fr](repeating: .zero, count: domain.size - a.count)
        var y = b + [Fr](repeating: .zero, count: domain.size - b.count)
        try domain.ntt(&x)
        try domain.ntt(&y)
        var product = zip(x, y).map { $0 * $1 }
        try domain.inverseNTT(&product)
        #expect(Array(product[..<schoolbook.count]) == schoolbook)
        #expect(product[schoolbook.count...].allSatisfy { $0.isZero })
    }

    @Test(arguments: [3, 10, 11, 12, 15, 17])
    func threadCountsGiveIdenticalResults(logSize: Int) throws {
        let domain = try EvaluationDomain(logSize: logSize, threads: 1)
        #expect(try EvaluationDomain(logSize: logSize, threads: 2).twiddles == domain.twiddles)
        #expect(try EvaluationDomain(logSize: logSize, threads: 3).twiddles == domain.twiddles)
        let input = randomVector(domain.size, seed: UInt64(700 + logSize))
        let shift = Fr(7)
        let transforms: [(inout [Fr], Int) throws -> Void] = [
            { try domain.ntt(&$0, threads: $1) },
            { try domain.inverseNTT(&$0, threads: $1) },
            { try domain.cosetNTT(&$0, shift: shift, threads: $1) },
            { try domain.inverseCosetNTT(&$0, shift: shift, threads: $1) },
            { try domain.moveToOddCoset(&$0, threads: $1) },
        ]
        for transform in transforms {
            var single = input
            try transform(&single, 1)
            for threads in [2, 3] {
                var multi = input
                try transform(&multi, threads)
                #expect(multi == single, "threads = \(threads)")
            }
        }
    }

    @Test func bufferFormsMatchArrayForms() throws {
        let domain = try EvaluationDomain(logSize: 12)
        let input = randomVector(domain.size, seed: 800)
        var viaArray = input
        try domain.ntt(&viaArray)
        try domain.moveToOddCoset(&viaArray)
        var storage = input
        try storage.withUnsafeMutableBufferPointer { buffer in
            try domain.ntt(buffer)
            try domain.moveToOddCoset(buffer)
        }
        #expect(storage == viaArray)
    }

    @Test func bitReversalIsAnInvolutionAtEverySize() {
        for logSize in 0...14 {
            let n = 1 << logSize
            var values = (0..<n).map { Fr(UInt64($0)) }
            values.withUnsafeMutableBufferPointer { buffer in
                BitReversal.permute(buffer.baseAddress!, logSize: logSize, scale: nil, threads: 2)
            }
            #expect(values.enumerated().allSatisfy { $1 == Fr(UInt64(BitReversal.reverse($0, bits: logSize))) })
        }
    }

    @Test func badSizesAreTypedErrors() throws {
        for size in [0, 3, 1000, -4, (1 << 28) + 1] {
            #expect(throws: BN254Error.self) { try EvaluationDomain(size: size) }
        }
        for logSize in [-1, 29, 64] {
            #expect(throws: BN254Error.self) { try EvaluationDomain(logSize: logSize) }
            #expect(throws: BN254Error.self) { try EvaluationDomain.primitiveRoot(logSize: logSize) }
        }
        #expect(throws: BN254Error.self) { try EvaluationDomain(size: 1 << 29) }
        #expect(throws: BN254Error.self) { try EvaluationDomain(minimumSize: (1 << 28) + 1) }

        let domain = try EvaluationDomain(logSize: 4)
        var short = [Fr](repeating: .one, count: 15)
        #expect(throws: BN254Error.malformed("NTT input of 15 elements for a domain of 16 points")) {
            try domain.ntt(&short)
        }
        #expect(throws: BN254Error.self) { try domain.inverseNTT(&short) }
        #expect(throws: BN254Error.self) { try domain.cosetNTT(&short, shift: Fr(3)) }
        #expect(throws: BN254Error.self) { try domain.inverseCosetNTT(&short, shift: Fr(3)) }
        #expect(throws: BN254Error.self) { try domain.moveToOddCoset(&short) }
        #expect(short == [Fr](repeating: .one, count: 15))
    }

    /// Timings for the report, only when NTT_BENCHMARK is set:
    /// `NTT_BENCHMARK=1 swift test -c release --filter NTTTests/benchmark`. Prints the best wall time of
    /// several runs and, beside it, the process CPU time of that run (which tells a busy machine apart).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["NTT_BENCHMARK"] != nil))
    func benchmark() throws {
        func processCPUSeconds() -> Double {
            var t = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
        }
        func best(_ repeats: Int, _ body: () throws -> Void) rethrows -> String {
            var bestWall = Double.infinity
            var cpuOfBest = 0.0
            for _ in 0..<repeats {
                let cpu0 = processCPUSeconds()
                let start = ContinuousClock.now
                try body()
                let wall = ContinuousClock.now - start
                let seconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18
                if seconds < bestWall {
                    bestWall = seconds
                    cpuOfBest = processCPUSeconds() - cpu0
                }
            }
            return "\(Int(bestWall * 1e9)) ns (cpu \(Int(cpuOfBest * 1e9)) ns)"
        }
        for logSize in [16, 20] {
            let domain = try EvaluationDomain(logSize: logSize)
            var values = randomVector(domain.size, seed: 900)
            let repeats = logSize == 16 ? 30 : 5
            for threads in [1, 2] {
                let ntt = try best(repeats) { try domain.ntt(&values, threads: threads) }
                let inverse = try best(repeats) { try domain.inverseNTT(&values, threads: threads) }
                let coset = try best(repeats) { try domain.cosetNTT(&values, shift: Fr(7), threads: threads) }
                let odd = try best(repeats) { try domain.moveToOddCoset(&values, threads: threads) }
                let reversal = best(repeats) {
                    values.withUnsafeMutableBufferPointer { buffer in
                        BitReversal.permute(buffer.baseAddress!, logSize: logSize, scale: nil, threads: threads)
                    }
                }
                let setup = try best(3) { _ = try EvaluationDomain(logSize: logSize, threads: threads) }
                print(
                    """
                    NTT 2^\(logSize), \(threads) thread(s): ntt \(ntt), inverseNTT \(inverse), cosetNTT \(coset), \
                    moveToOddCoset \(odd), bit reversal \(reversal), domain \(setup)
                    """
                )
            }
        }
    }
}
