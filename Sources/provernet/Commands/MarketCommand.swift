import ArgumentParser
import Foundation
import Market

/// `provernet market`: the DARA market from the command line.
struct MarketCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "market",
        abstract: "The DARA market: clear a round, or benchmark clearing.",
        subcommands: [Clear.self, Bench.self]
    )
}

extension MarketCommand {
    /// `provernet market clear`: one round as JSON on standard input, its outcome on standard output.
    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "clear",
            abstract: "Read a round as JSON on standard input; write its outcome as JSON on standard output.",
            discussion: """
                Malformed input (negative or non-finite numbers, duplicate ids, missing fields) \
                exits with status 2 and a message naming the offending entry on standard error; \
                nothing is written on standard output then.
                """
        )

        func run() throws {
            let input = FileHandle.standardInput.readDataToEndOfFile()
            let outcome: Outcome
            do {
                outcome = try DoubleAuction.clear(try Round(json: input))
            } catch {
                FileHandle.standardError.write(Data("provernet market clear: \(error)\n".utf8))
                throw ExitCode(2)
            }
            FileHandle.standardOutput.write(outcome.jsonData() + Data("\n".utf8))
        }
    }

    /// `provernet market bench`: time clearing synthetic rounds of several sizes.
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench",
            abstract: "Time clearing synthetic rounds; prints one JSON object per line.",
            discussion: """
                Prints {"op":"market_clear","constraints":C,"bids":B,"asks":A,"ns_per_op":x,"jobs_matched":J,\
                "welfare":W,"surplus":S,"cpu_ns_per_op":c} for every choice of constraints and pair of sizes, x \
                being the median over repetitions of one call to the library's clear (validation, the two clocks, \
                job assignment and payments) in wall time and c the mean of the same calls in the thread's CPU \
                time, at a microsecond's resolution (what to read on a shared machine, where other processes take the core); the rounds of one seed differ only by their constraints (none: reputation 1 and \
                unlimited stake; stake: headroom that binds; reputation: reputations 0.3 to 1 under a floor of \
                0.5; both). Then, for each choice, {"op":"market_properties",...}: small rounds cleared with \
                the truth and with misreports of every bid's value and every ask's cost, counting misreports \
                that gained (truthfulness), agents paid below cost or charged above value (individual \
                rationality) and rounds that paid out more than they took in (weak budget balance): all zero \
                when stake and reputation, public inputs, keep the properties. Build with -c release to measure.
                """
        )

        @Option(parsing: .upToNextOption, help: "Numbers of bids.")
        var bids: [Int] = [1_000, 10_000, 100_000]

        @Option(parsing: .upToNextOption, help: "Numbers of asks.")
        var asks: [Int] = [100, 1_000, 10_000]

        @Option(help: "Seconds to spend on each pair of sizes, at least.")
        var seconds: Double = 0.5

        @Option(help: "Seed of the synthetic rounds.")
        var seed: UInt64 = 1

        @Option(parsing: .upToNextOption, help: "Constraints of the rounds: none, stake, reputation, both.")
        var constraints: [String] = SyntheticRound.Constraints.allCases.map(\.rawValue)

        @Option(help: "Small rounds whose properties are checked for each choice of constraints (0: none).")
        var auditRounds: Int = 200

        func validate() throws {
            guard bids.allSatisfy({ $0 > 0 }), asks.allSatisfy({ $0 > 0 }) else {
                throw ValidationError("sizes must be positive")
            }
            for name in constraints where SyntheticRound.Constraints(rawValue: name) == nil {
                throw ValidationError(
                    "unknown constraints \(name); known: \(SyntheticRound.Constraints.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            guard auditRounds >= 0 else { throw ValidationError("--audit-rounds must not be negative") }
        }

        func run() throws {
            let clock = ContinuousClock()
            for choice in constraints.compactMap(SyntheticRound.Constraints.init(rawValue:)) {
                for bidCount in bids {
                    for askCount in asks {
                        try time(choice, bidCount, askCount, clock)
                    }
                }
                guard auditRounds > 0 else { continue }
                var audit = PropertyAudit()
                for n in 0..<UInt64(auditRounds) {
                    let shape = SyntheticRound(
                        bids: 2 + Int(n % 6), asks: 2 + Int(n % 4), maxJobs: 4, maxSlots: 6,
                        priceStep: n % 2 == 0 ? 0.5 : nil, constraints: choice)
                    try audit.audit(shape.round(seed: seed &+ n))
                }
                print(
                    #"{"op":"market_properties","constraints":"\#(choice.rawValue)","rounds":\#(audit.rounds),"#
                        + #""misreports":\#(audit.misreports),"truthfulness_gains":\#(audit.truthfulnessGains),"#
                        + #""ir_violations":\#(audit.rationalityViolations),"wbb_violations":\#(audit.budgetViolations),"#
                        + #""asks_under_floor":\#(audit.asksUnderFloor),"asks_stake_bound":\#(audit.asksStakeBound),"#
                        + #""jobs_matched":\#(audit.jobsMatched),"welfare":\#(Self.rounded(audit.welfare))}"#)
            }
        }

        static func rounded(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }

        func time(
            _ choice: SyntheticRound.Constraints, _ bidCount: Int, _ askCount: Int, _ clock: ContinuousClock
        ) throws {
            let round = SyntheticRound(bids: bidCount, asks: askCount, constraints: choice).round(seed: seed)
            let outcome = try DoubleAuction.clear(round) // warm up
            var samples: [Duration] = []
            let start = clock.now
            let cpuStart = Self.threadCPUNanoseconds()
            while samples.count < 5 || (clock.now - start < .seconds(seconds) && samples.count < 10_000) {
                let begin = clock.now
                blackHole(try DoubleAuction.clear(round))
                samples.append(clock.now - begin)
            }
            // The thread's CPU clock ticks too coarsely to time one clear: the mean over all of them.
            let cpuPerClear = (Self.threadCPUNanoseconds() - cpuStart) / UInt64(samples.count)
            samples.sort()
            let median = samples[samples.count / 2].components
            let nanoseconds = Double(median.seconds) * 1e9 + Double(median.attoseconds) / 1e9
            let matched = outcome.assignments.reduce(0) { $0 + $1.jobs }
            print(
                #"{"op":"market_clear","constraints":"\#(choice.rawValue)","bids":\#(bidCount),"#
                    + #""asks":\#(askCount),"ns_per_op":\#(Int(nanoseconds)),"jobs_matched":\#(matched),"#
                    + #""welfare":\#(Self.rounded(outcome.welfare)),"surplus":\#(Self.rounded(outcome.surplus)),"#
                    + #""cpu_ns_per_op":\#(cpuPerClear)}"#
            )
        }

        /// This thread's CPU time (user plus system, `getrusage(RUSAGE_THREAD)`): one clear runs on one thread.
        static func threadCPUNanoseconds() -> UInt64 {
            var usage = rusage()
            // RUSAGE_THREAD is 1 on Linux; Glibc's module does not export it (it needs _GNU_SOURCE).
            getrusage(1, &usage)
            func nanoseconds(_ t: timeval) -> UInt64 { UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_usec) * 1_000 }
            return nanoseconds(usage.ru_utime) + nanoseconds(usage.ru_stime)
        }
    }
}
