import ArgumentParser
import Foundation
import ProverNetClient
import ProverNetCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `provernet wait`: follows a request until it ends, with a progress bar on a terminal.
struct WaitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract: "Wait for a request to end, showing its progress.",
        discussion: """
            On a terminal, standard error shows one line redrawn in place: jobs verified / total, each running job's
            progress, and the time elapsed; otherwise it gets one line per event. When the request ends, standard output
            gets {"request_id": …, "state": …, "jobs_total": …, "jobs_verified": …, "elapsed_seconds": …, "reason": …}.
            Exit status: 0 done, 1 failed, expired or cancelled (with the reason), 2 bad input or the gateway refused,
            3 --timeout passed first.
            """)
    @OptionGroup var connection: ClientGatewayOptions
    @Argument(help: "The request's id.") var request: RequestID
    @Option(help: "Give up after this many seconds (default: wait as long as the request runs).") var timeout: Double?
    @Flag(help: "One line per event even on a terminal.") var plain = false

    func validate() throws {
        if let timeout, !(timeout > 0 && timeout.isFinite) {
            throw ValidationError("--timeout must be a positive number of seconds")
        }
    }

    func run() async throws {
        let display = WaitDisplay(request: request, redraw: !plain && isatty(STDERR_FILENO) == 1)
        let request = self.request
        let timeout = self.timeout
        let outcome: WaitOutcome = try await connection.withClient { client in
            let outcome = try await withThrowingTaskGroup(of: WaitOutcome?.self) { group in
                group.addTask { try await Self.follow(client: client, request: request, display: display) }
                if let timeout {
                    group.addTask {
                        try await Task.sleep(for: .seconds(timeout))
                        return .timedOut
                    }
                }
                if display.redraws {
                    group.addTask {
                        while !Task.isCancelled {
                            try? await Task.sleep(for: .milliseconds(250))
                            await display.redraw()
                        }
                        return nil
                    }
                }
                var first: WaitOutcome = .timedOut
                while let next = try await group.next() {
                    if let next {
                        first = next
                        break
                    }
                }
                group.cancelAll()
                return first
            }
            // A request that ended without success: the gateway's reason, if the events did not carry it.
            if case .ended(let progress) = outcome, progress.state != .done, progress.message.isEmpty,
                let status = try? await client.request(request)
            {
                var progress = progress
                progress.message = status.reason
                return .ended(progress)
            }
            return outcome
        }
        await display.finish()
        let elapsed = display.elapsedSeconds
        switch outcome {
        case .ended(let progress):
            try ClientOutput.printJSON(
                WaitOutput(
                    requestID: request, state: progress.state?.rawValue ?? "unknown", jobsTotal: progress.jobsTotal,
                    jobsVerified: progress.jobsVerified, elapsedSeconds: elapsed,
                    reason: progress.state == .done ? "" : progress.message))
            guard progress.state == .done else {
                let reason = progress.message.isEmpty ? "" : ": \(progress.message)"
                throw failure("request \(request) \(progress.state?.rawValue ?? "ended")\(reason)", code: 1)
            }
        case .timedOut:
            let progress = await display.progress
            try ClientOutput.printJSON(
                WaitOutput(
                    requestID: request, state: progress.state?.rawValue ?? "unknown", jobsTotal: progress.jobsTotal,
                    jobsVerified: progress.jobsVerified, elapsedSeconds: elapsed, reason: "timed out"))
            throw failure(
                "timed out after \(timeout ?? 0) s: request \(request) is \(progress.state?.rawValue ?? "unknown"), \(progress.jobsVerified)/\(progress.jobsTotal) verified",
                code: 3)
        }
    }

    /// Watches the request until it ends. A watch that ends early (the gateway restarted) or cannot reach
    /// the gateway is tried again a few times; the gateway's state decides when to stop.
    static func follow(client: ProverNetClient, request: RequestID, display: WaitDisplay) async throws -> WaitOutcome {
        var retries = 0
        while true {
            do {
                for try await event in client.watch(request: request) {
                    await display.apply(event)
                    retries = 0
                }
            } catch let error as ProverNetClientError {
                guard case .gateway(_, .unavailable, _) = error, retries < 3 else { throw error }
            }
            var progress = await display.progress
            if progress.isFinal { return .ended(progress) }
            if let status = try? await client.request(request), status.state.isFinal {
                progress.state = status.state
                progress.jobsTotal = status.inputsTotal
                progress.jobsVerified = status.inputsVerified
                progress.message = status.reason
                return .ended(progress)
            }
            retries += 1
            guard retries <= 3 else {
                throw failure("the gateway stopped reporting request \(request) before it ended")
            }
            try await Task.sleep(for: .seconds(1))
        }
    }

    struct WaitOutput: Encodable {
        var requestID: RequestID
        var state: String
        var jobsTotal: Int
        var jobsVerified: Int
        var elapsedSeconds: Double
        var reason: String

        enum CodingKeys: String, CodingKey {
            case requestID = "request_id"
            case state
            case jobsTotal = "jobs_total"
            case jobsVerified = "jobs_verified"
            case elapsedSeconds = "elapsed_seconds"
            case reason
        }
    }
}

/// How `wait` ended.
enum WaitOutcome: Sendable {
    case ended(RequestProgress)
    case timedOut
}

/// The progress that `wait` shows on standard error: a line redrawn in place on a terminal, a line per
/// event otherwise.
actor WaitDisplay {
    private(set) var progress: RequestProgress
    nonisolated let redraws: Bool
    private let start = ContinuousClock.now
    private var drawn = false

    init(request: RequestID, redraw: Bool) {
        self.progress = RequestProgress(request: request)
        self.redraws = redraw
    }

    nonisolated var elapsedSeconds: Double {
        let (seconds, attoseconds) = (ContinuousClock.now - start).components
        return ((Double(seconds) + Double(attoseconds) / 1e18) * 1000).rounded() / 1000
    }

    func apply(_ event: RequestEvent) {
        progress.apply(event)
        if redraws {
            redraw()
        } else {
            write(RequestProgress.eventLine(event, elapsed: ContinuousClock.now - start) + "\n")
        }
    }

    /// Draws the progress line again (the elapsed time moves even when no event comes).
    func redraw() {
        guard redraws else { return }
        let width = max(20, Self.terminalColumns() - 1)
        write("\r" + progress.progressLine(elapsed: ContinuousClock.now - start, width: width) + "\u{1B}[K")
        drawn = true
    }

    /// Ends the progress line, so that what follows starts on a line of its own.
    func finish() {
        if redraws, drawn {
            redraw()
            write("\n")
        }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    private static func terminalColumns() -> Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 {
            return columns
        }
        return 80
    }
}
