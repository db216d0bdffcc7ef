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
                Prints {"op":"market_clear","bids":B,"asks":A,"ns_per_op":x} for every pair of \
                sizes, x being the median over repetitions of one call to the library's clear \
                (validation, the two clocks, job assignment and payments). Build with -c release to measure.
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

        func validate() throws {
            guard bids.allSatisfy({ $0 > 0 }), asks.allSatisfy({ $0 > 0 }) else {
                throw ValidationError("sizes must be positive")
            }
        }

        func run() throws {
            let clock = ContinuousClock()
            for bidCount in bids {
                for askCount in asks {
                    let round = SyntheticRound(bids: bidCount, asks: askCount).round(seed: seed)
                    blackHole(try DoubleAuction.clear(round)) // warm up
                    var samples: [Duration] = []
                    let start = clock.now
                    while samples.count < 5 || (clock.now - start < .seconds(seconds) && samples.count < 10_000) {
                        let begin = clock.now
                        blackHole(try DoubleAuction.clear(round))
                        samples.append(clock.now - begin)
                    }
                    samples.sort()
                    let median = samples[samples.count / 2].components
                    let nanoseconds = Double(median.seconds) * 1e9 + Double(median.attoseconds) / 1e9
                    print(
                        #"{"op":"market_clear","bids":\#(bidCount),"asks":\#(askCount),"ns_per_op":\#(Int(nanoseconds))}"#
                    )
                }
            }
        }
    }
}
