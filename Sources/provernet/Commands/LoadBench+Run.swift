import Foundation
import ProverNetTesting

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One rate of `provernet bench load`: offered for --seconds, measured over its steady window, and judged.
extension LoadBench {
    /// The counters read at the steady window's start and end.
    struct Sample {
        var at: Double
        /// CPU seconds of the gateway processes together, and of this process (the light provers and clients).
        var gatewayCPU: Double
        var harnessCPU: Double
        var machine: (busy: Int64, total: Int64)?
        /// The first gateway's `/metrics`: each series by its full name with labels, and each name summed.
        var metrics: [String: Double]

        func delta(_ name: String, since before: Sample) -> Double {
            (metrics[name] ?? 0) - (before.metrics[name] ?? 0)
        }
    }

    func sample(at time: Double, pids: [pid_t], healthPort: Int?) async -> Sample {
        Sample(
            at: time, gatewayCPU: pids.compactMap { ProcessCPU.seconds(of: $0) }.reduce(0, +),
            harnessCPU: ProcessCPU.seconds(of: getpid()) ?? 0, machine: ProcessCPU.machine(),
            metrics: await GatewayProbe.metrics(port: healthPort))
    }

    /// Offers `rate` jobs per second for `seconds`, waits for the jobs to be verified (at most --drain-seconds),
    /// prints the rate's lines, and returns whether the rate was sustained.
    func runRate(
        _ rate: Double, generator: LoadGenerator, recorder: LoadRecorder, offset: Int, pids: [pid_t],
        healthPort: Int?
    ) async throws -> Bool {
        // The steady window: the run less its first fifth (at most 5 s), while queues fill and the first rounds run.
        let start = recorder.now()
        let warm = min(5, seconds / 5)
        let windowStart = start + warm
        let windowEnd = start + seconds
        // Both samples at their times, while the generator may still wait for answers to its last submissions.
        func sampled(at time: Double) -> Task<Sample, Never> {
            Task {
                let wait = time - recorder.now()
                if wait > 0 { try? await Task.sleep(for: .microseconds(Int64(wait * 1e6))) }
                return await sample(at: recorder.now(), pids: pids, healthPort: healthPort)
            }
        }
        let first = sampled(at: windowStart)
        let last = sampled(at: windowEnd)
        let outcome = await generator.run(rate: rate, seconds: seconds, offset: offset)
        let before = await first.value
        let after = await last.value
        // The jobs still open are given --drain-seconds to be verified, so that every request's latency is known.
        let drainDeadline = recorder.now() + drainSeconds
        while recorder.acceptedCount < recorder.submittedJobs, recorder.now() < drainDeadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        let window = recorder.window(from: before.at, to: after.at)
        let rateHead = String(format: "\"rate\": %.0f, \"seconds\": %.1f", rate, seconds)
        let wall = max(after.at - before.at, 1e-9)
        let backlogGrowth = window.backlogAtEnd - window.backlogAtStart
        let p99 = window.requestLatencyMillis.p99
        let verifiedShare = window.verifiedPerSecond / rate
        let sustained =
            verifiedShare >= 0.95 && Double(backlogGrowth) <= max(rate * 0.5, Double(2 * inputs))
            && window.unfinishedRequests == 0 && p99.isFinite && p99 <= maxP99Ms && outcome.skipped == 0
        let rejections = recorder.rejections
        let refused = recorder.refusedSubmissions
        emit(
            String(
                format:
                    "\(rateHead), \"metric\": \"throughput\", \"window_seconds\": %.3f, \"offered_per_second\": %.1f, \"submitted_per_second\": %.1f, \"verified_per_second\": %.1f, \"verified_jobs\": %d, \"backlog_start\": %d, \"backlog_end\": %d, \"submitted_total\": %d, \"verified_total\": %d, \"rejected_total\": %d, \"refused_submissions\": %d, \"skipped_requests\": %d, \"generator_late_seconds\": %.3f, \"sustained\": %@",
                wall, rate, window.submittedPerSecond, window.verifiedPerSecond, window.verifiedJobs,
                window.backlogAtStart, window.backlogAtEnd, recorder.submittedJobs, recorder.acceptedCount,
                rejections.count, refused.count, outcome.skipped, outcome.lateSeconds, sustained ? "true" : "false"))
        if !rejections.reasons.isEmpty {
            let reasons = rejections.reasons.sorted { $0.value > $1.value }.prefix(3).map {
                "\(Self.jsonString($0.key)): \($0.value)"
            }
            emit("\(rateHead), \"metric\": \"rejections\", \"reasons\": {\(reasons.joined(separator: ", "))}")
        }
        if !refused.reasons.isEmpty {
            let reasons = refused.reasons.sorted { $0.value > $1.value }.prefix(3).map {
                "\(Self.jsonString($0.key)): \($0.value)"
            }
            emit("\(rateHead), \"metric\": \"refused_submissions\", \"reasons\": {\(reasons.joined(separator: ", "))}")
        }
        emit("\(rateHead), \"metric\": \"first_assignment_ms\", \(window.firstAssignmentMillis.json)")
        emit(
            "\(rateHead), \"metric\": \"request_latency_ms\", \(window.requestLatencyMillis.json), \"unfinished\": \(window.unfinishedRequests)"
        )
        let passes = after.delta("provernet_gateway_auction_duration_seconds_count", since: before)
        let passSeconds = after.delta("provernet_gateway_auction_duration_seconds_sum", since: before)
        let rounds = after.delta("provernet_gateway_auction_rounds_total", since: before)
        emit(
            String(
                format:
                    "\(rateHead), \"metric\": \"round\", \"market_passes\": %.0f, \"rounds\": %.0f, \"pass_mean_ms\": %.2f, \"pass_share_of_wall\": %.4f, \"trades\": %.0f",
                passes, rounds, passes > 0 ? passSeconds / passes * 1000 : .nan, passSeconds / wall,
                after.delta("provernet_gateway_auction_trades_total", since: before)))
        // The gateway's CPU over the window from /proc, split by what its /metrics histograms say each part took
        // (wall time of each operation, summed: a fair measure of CPU where the work does not wait).
        let total = after.gatewayCPU - before.gatewayCPU
        let statement = after.delta("provernet_gateway_statement_duration_seconds_sum", since: before)
        let verification = after.delta("provernet_gateway_verification_duration_seconds_sum", since: before)
        let database = after.delta("provernet_gateway_store_commit_duration_seconds_sum", since: before)
        let marketCommits = after.delta(
            "provernet_gateway_store_commit_duration_seconds_sum{event=\"market\"}", since: before)
        let market = max(0, passSeconds - marketCommits)
        let transport = max(0, total - statement - verification - database - market)
        func share(_ part: Double) -> Double { total > 0 ? part / total : .nan }
        emit(
            String(
                format:
                    "\(rateHead), \"metric\": \"gateway_cpu\", \"cpu_seconds\": %.3f, \"cores\": %.3f, \"statement_seconds\": %.3f, \"verification_seconds\": %.3f, \"database_seconds\": %.3f, \"market_seconds\": %.3f, \"transport_seconds\": %.3f, \"statement_share\": %.4f, \"verification_share\": %.4f, \"database_share\": %.4f, \"market_share\": %.4f, \"transport_share\": %.4f, \"verify_mean_ms\": %.3f",
                total, total / wall, statement, verification, database, market, transport, share(statement),
                share(verification), share(database), share(market), share(transport),
                window.verifiedJobs > 0 ? verification / Double(window.verifiedJobs) * 1000 : .nan))
        let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
        var busy = Double.nan
        if let a = after.machine, let b = before.machine, a.total > b.total {
            busy = Double(a.busy - b.busy) / Double(a.total - b.total) * cores
        }
        let harness = (after.harnessCPU - before.harnessCPU) / wall
        let (saturated, why) = Self.saturation(
            sustained: sustained, machineBusy: busy, cores: cores, gatewayCores: total / wall, harnessCores: harness,
            databaseShareOfWall: database / wall, marketShareOfWall: passSeconds / wall,
            generatorLate: outcome.lateSeconds,
            skipped: outcome.skipped)
        emit(
            String(
                format:
                    "\(rateHead), \"metric\": \"saturation\", \"first\": \"%@\", \"why\": %@, \"machine_busy_cores\": %.3f, \"machine_cores\": %d, \"gateway_cores\": %.3f, \"harness_cores\": %.3f, \"rule\": %@",
                saturated, Self.jsonString(why), busy, Int(cores), total / wall, harness, Self.jsonString(Self.rule)))
        return sustained
    }

    /// How the bench names what saturated first.
    static let rule =
        "none if the rate was sustained; else cpu if the machine's cores were at least 90% busy (naming the gateway or the harness, whichever used more); else database if commits took at least 80% of the window's wall time; else market if market passes did; else load generator if it sent requests more than 1 s late or skipped some; else gateway (its events wait on one another: the coordinator's serial path)"

    static func saturation(
        sustained: Bool, machineBusy: Double, cores: Double, gatewayCores: Double, harnessCores: Double,
        databaseShareOfWall: Double, marketShareOfWall: Double, generatorLate: Double, skipped: Int
    ) -> (String, String) {
        if sustained { return ("none", "the offered rate was sustained") }
        if machineBusy >= 0.9 * cores {
            let who = gatewayCores >= harnessCores ? "the gateway" : "the harness (light provers and clients)"
            return (
                "cpu",
                String(
                    format:
                        "the machine's %.0f cores were %.0f%% busy, most of it %@ (gateway %.2f cores, harness %.2f)",
                    cores, machineBusy / cores * 100, who, gatewayCores, harnessCores)
            )
        }
        if databaseShareOfWall >= 0.8 {
            return ("database", String(format: "commits took %.0f%% of the window", databaseShareOfWall * 100))
        }
        if marketShareOfWall >= 0.8 {
            return ("market", String(format: "market passes took %.0f%% of the window", marketShareOfWall * 100))
        }
        if generatorLate > 1 || skipped > 0 {
            return (
                "load generator",
                String(format: "requests were sent up to %.1f s late; %d skipped", generatorLate, skipped)
            )
        }
        return (
            "gateway",
            String(
                format:
                    "%.2f of %.0f cores busy, commits %.0f%% and market %.0f%% of the window: events waiting on one another",
                machineBusy, cores, databaseShareOfWall * 100, marketShareOfWall * 100)
        )
    }

    /// A JSON string literal.
    static func jsonString(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [])) ?? Data("[\"\"]".utf8)
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }
}
