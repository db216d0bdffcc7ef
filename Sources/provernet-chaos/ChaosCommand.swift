import ArgumentParser
import Foundation
import ProverNetChaos
import ProverNetTesting
import UnixSignals

/// `provernet-chaos`: runs a network of real `provernet` processes on loopback and breaks it on purpose
/// (issue 6, items 7 and 8), then checks from the client's view and the gateway's database that nothing was
/// lost, accepted twice or paid for without being done. Tooling, not part of the `provernet` binary that
/// users run: it drives that binary (`--provernet`, by default the one beside this executable).
@main
struct ChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provernet-chaos",
        abstract:
            "Break a local network of real processes on purpose and check that no request is lost, accepted twice or paid wrongly.",
        discussion: """
            Each scenario starts its own gateway and provers (the provernet binary, as separate processes, \
            with development TLS on 127.0.0.1), submits requests through the client library, injects its fault \
            (SIGKILL, SIGSTOP, SIGTERM, a cut connection, a cancel, a burst), waits for every request to end \
            and checks, from the client's view and from the gateway's own SQLite database:
              - every request ended (done, failed, expired, cancelled); one that did not is LOST;
              - a done request's fetched proofs verify; one that did not complete says why;
              - no job was accepted twice (one prover payment and one client charge per job at most);
              - no prover was paid for a job it did not finish.
            It prints one JSON line per scenario with these counts and exits 1 if any scenario failed \
            (2 for bad options). --long runs the long form instead: --requests requests over --minutes \
            minutes, first without faults, then while a random prover is killed every --kill-every-seconds \
            seconds and the gateway twice, and prints a summary line comparing the two.
            Logs (gateway.log, prover-N.log, chaos.log) are kept in --dir/SCENARIO for every scenario that \
            failed, and for all with --keep.
            Scenarios: \(ChaosScenario.all.map(\.name).joined(separator: ", ")) (--list says what each does). \
            On several gateways and one PostgreSQL (run with --postgres, or by name): \
            \(ChaosScenario.onPostgreSQL.map(\.name).joined(separator: ", ")); each gets a fresh database on the \
            --database server, or a throwaway server of its own (scripts/postgres-test-cluster; always for the one \
            that restarts the server). The long form runs on --gateways gateways (on PostgreSQL when more than 1); \
            on several, instead of killing the gateway twice it injects, in turn every \
            --gateway-fault-every-seconds, the faults a deployment sees: the leader SIGKILLed (whichever gateway \
            leads then), a follower with provers SIGKILLed, the PostgreSQL server restarted (a throwaway server \
            of the run's own); a killed gateway is started again 5 s later, one that stopped by itself (a leader \
            that lost its lock) at once, and the summary counts each fault. --no-baseline skips the run without \
            faults.
            """)

    @Option(name: .customLong("scenario"), help: "A scenario to run (repeatable; default: all of them).")
    var scenarios: [String] = []
    @Flag(help: "List the scenarios and what each checks, then exit.") var list = false
    @Flag(help: "Run the scenarios on several gateways and one PostgreSQL (default: those on one gateway).")
    var postgres = false
    @Option(
        help:
            "A PostgreSQL server (postgres://…) on which each scenario on PostgreSQL gets a fresh database (default: a throwaway server per scenario)."
    )
    var database: String?
    @Option(help: "Long form: gateways (more than 1: on one PostgreSQL, every prover and the client given all).")
    var gateways = 1
    @Flag(help: "Run the long form (item 8) instead of the scenarios.") var long = false
    @Option(help: "Long form: requests to submit, at a steady pace.") var requests = 300
    @Option(help: "Long form: minutes over which the requests are submitted (and faults injected).") var minutes = 4.0
    @Option(help: "Long form: prover processes.") var provers = 4
    @Option(help: "Long form: seconds between two prover kills.") var killEverySeconds = 5.0
    @Option(help: "Long form on several gateways: seconds between two gateway faults (leader, follower, database).")
    var gatewayFaultEverySeconds = 30.0
    @Flag(help: "Long form: skip the run without faults (the summary then has no completion ratio).")
    var noBaseline = false
    @Option(help: "Constraints of the synthetic circuit that every request proves.") var circuitConstraints = 1000
    @Option(help: "Where the runs' directories go (default: a fresh directory under the temporary directory).")
    var dir: String?
    @Flag(help: "Keep every scenario's logs and database, not only those of the scenarios that failed.") var keep =
        false
    @Option(help: "Seconds a scenario may take, its requests' ends included (the long form adds its window to it).")
    var timeout = 120.0
    @Option(help: "The provernet binary to run (default: the one beside this executable).")
    var provernet: String?

    func validate() throws {
        let every = ChaosScenario.all + ChaosScenario.onPostgreSQL
        let known = Set(every.map(\.name))
        for name in scenarios where !known.contains(name) {
            throw ValidationError(
                "unknown scenario '\(name)'; the scenarios are \(every.map(\.name).joined(separator: ", "))"
            )
        }
        guard (1...5).contains(gateways) else { throw ValidationError("--gateways must be 1 to 5") }
        if let database, !database.hasPrefix("postgres://"), !database.hasPrefix("postgresql://") {
            throw ValidationError("--database must be a postgres:// URL, not '\(database.prefix(40))'")
        }
        guard (1...1 << 20).contains(circuitConstraints) else {
            throw ValidationError("--circuit-constraints must be 1 to 2^20, not \(circuitConstraints)")
        }
        guard timeout >= 10, timeout.isFinite else { throw ValidationError("--timeout must be at least 10 seconds") }
        if long {
            guard requests >= 1, requests <= 100_000 else { throw ValidationError("--requests must be 1 to 100000") }
            guard minutes > 0, minutes <= 24 * 60 else {
                throw ValidationError("--minutes must be more than 0 (at most a day)")
            }
            guard (2...32).contains(provers) else { throw ValidationError("--provers must be 2 to 32") }
            guard gatewayFaultEverySeconds >= 5, gatewayFaultEverySeconds.isFinite else {
                throw ValidationError("--gateway-fault-every-seconds must be at least 5")
            }
            guard killEverySeconds >= 1.5 else {
                throw ValidationError("--kill-every-seconds must be at least 1.5 (a killed prover is down for 1 s)")
            }
        }
    }

    func run() async throws {
        if list {
            for scenario in ChaosScenario.all + ChaosScenario.onPostgreSQL {
                print("\(scenario.name)\n    \(scenario.summary)")
            }
            return
        }
        // Children are in process groups of their own: an interrupted run kills them itself.
        let interrupts = Task {
            for await signal in await UnixSignalsSequence(trapping: .sigint, .sigterm) {
                note("chaos: \(signal): killing every process it started")
                ChildProcess.killAllLive()
                Foundation.exit(130)
            }
        }
        defer { interrupts.cancel() }
        let root = try makeDirectory()
        let executable = try provernetExecutable()
        var passed = true
        if long {
            passed = await runLong(root: root, executable: executable)
        } else {
            let runner = ChaosRunner(
                executable: executable, circuitConstraints: UInt64(circuitConstraints), timeout: .seconds(timeout),
                database: database)
            var seen: Set<String> = []
            let chosen =
                scenarios.isEmpty
                ? (postgres ? ChaosScenario.onPostgreSQL : ChaosScenario.all)
                : scenarios.filter { seen.insert($0).inserted }.compactMap(ChaosScenario.named)
            for scenario in chosen {
                note("chaos: \(scenario.name)…")
                let report = await runner.run(
                    scenario, in: root.appendingPathComponent(scenario.name, isDirectory: true))
                emit(report, root: root)
                passed = passed && report.passed
            }
        }
        removeIfEmpty(root)
        if !passed { throw ExitCode(1) }
    }

    /// The baseline, then the run with faults, then the summary.
    private func runLong(root: URL, executable: URL) async -> Bool {
        let long = LongChaosRun(
            requests: requests, minutes: minutes, provers: provers, killEverySeconds: killEverySeconds,
            gateways: gateways, gatewayFaultEverySeconds: gatewayFaultEverySeconds)
        let runner = ChaosRunner(
            executable: executable, circuitConstraints: UInt64(circuitConstraints),
            timeout: .seconds(long.window + max(timeout, 300)), database: database)
        var reports: [ScenarioReport] = []
        for faults in noBaseline ? [true] : [false, true] {
            let scenario = long.scenario(faults: faults)
            note("chaos: \(scenario.name): \(scenario.summary)…")
            let report = await runner.run(scenario, in: root.appendingPathComponent(scenario.name, isDirectory: true))
            emit(report, root: root)
            reports.append(report)
        }
        let summary = long.summary(baseline: noBaseline ? nil : reports.first, chaos: reports[reports.count - 1])
        print(summary.jsonLine)
        fflush(nil)
        return summary.passed
    }

    /// Prints a scenario's line, and removes its directory if it passed and logs are not to be kept.
    private func emit(_ report: ScenarioReport, root: URL) {
        var report = report
        if report.passed, !keep, let directory = report.directory {
            try? FileManager.default.removeItem(atPath: directory)
            report.directory = nil
        }
        print(report.jsonLine)
        fflush(nil)
        note("chaos: \(report.scenario) \(report.passed ? "passed" : "FAILED") in \(report.seconds) s")
        for failure in report.failures { note("    \(failure)") }
        if let directory = report.directory, !report.passed { note("    logs: \(directory)") }
    }

    /// `--provernet`, or `provernet` in this executable's own directory.
    private func provernetExecutable() throws -> URL {
        let url = provernet.map { URL(fileURLWithPath: $0) } ?? Self.ownDirectory.appendingPathComponent("provernet")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw failure(
                "no provernet binary at \(url.path): build it (swift build --product provernet) or give --provernet PATH"
            )
        }
        return url
    }

    /// The directory of this executable (`/proc/self/exe` on Linux).
    static var ownDirectory: URL {
        let own =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")).map {
                URL(fileURLWithPath: $0)
            }
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        return own.deletingLastPathComponent()
    }

    private func makeDirectory() throws -> URL {
        let url =
            dir.map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent(
                "provernet-chaos-\(UUID().uuidString.prefix(8))")
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw failure("cannot create \(url.path): \(error.localizedDescription)")
        }
        return url
    }

    private func removeIfEmpty(_ url: URL) {
        if (try? FileManager.default.contentsOfDirectory(atPath: url.path))?.isEmpty == true {
            try? FileManager.default.removeItem(at: url)
        }
    }
}

/// Writes a one-line reason to standard error and returns the exit code to throw (2: bad input).
func failure(_ message: String, code: Int32 = 2) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    return ExitCode(code)
}

/// Writes a line to standard error (progress), keeping standard output for the JSON lines.
func note(_ message: String) {
    FileHandle.standardError.write(Data("\(message)\n".utf8))
}
