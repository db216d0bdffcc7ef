import Foundation
import ProverNetCore

/// Where a request stands, folded from its events: what a progress bar shows. Feed it every event of
/// `ProverNetClient.watch(request:)` with `apply(_:)`.
public struct RequestProgress: Sendable, Hashable {
    public var request: RequestID
    /// The request's state; nil until the first event.
    public var state: RequestPhase?
    public var jobsTotal: Int
    public var jobsVerified: Int
    /// The progress in [0, 1] of each job that a prover holds now, by job index.
    public var running: [Int: Double]
    /// The gateway's last message about the request (why it failed, say).
    public var message: String

    public init(request: RequestID) {
        self.request = request
        self.state = nil
        self.jobsTotal = 0
        self.jobsVerified = 0
        self.running = [:]
        self.message = ""
    }

    /// Whether the request has ended.
    public var isFinal: Bool { state?.isFinal ?? false }

    /// Takes in one event.
    public mutating func apply(_ event: RequestEvent) {
        state = event.state
        jobsTotal = event.jobsTotal
        jobsVerified = event.jobsVerified
        if let index = event.jobIndex {
            switch event.kind {
            case .assigned: running[index] = 0
            case .progress: running[index] = min(max(event.progress, 0), 1)
            case .verified, .rejected, .requeued: running[index] = nil
            case .state, .other: break
            }
        }
        if event.state.isFinal { running = [:] }
        if !event.message.isEmpty, event.kind == .state || event.state.isFinal { message = event.message }
    }

    /// One line for a terminal, at most `width` columns:
    /// `req-… [########------------] 3/8 verified  #3 45% #4 80%  12.3s`.
    public func progressLine(elapsed: Duration, width: Int = 100, barWidth: Int = 20) -> String {
        let fraction = jobsTotal > 0 ? Double(jobsVerified) / Double(jobsTotal) : 0
        // Running jobs fill the bar too, by their progress, so that a single long job shows movement.
        let partial = jobsTotal > 0 ? running.values.reduce(0, +) / Double(jobsTotal) : 0
        let filled = min(barWidth, Int((fraction * Double(barWidth)).rounded(.down)))
        let half = min(barWidth - filled, Int((partial * Double(barWidth)).rounded(.down)))
        let bar =
            String(repeating: "#", count: filled) + String(repeating: "=", count: half)
            + String(repeating: "-", count: barWidth - filled - half)
        let head = "\(request) [\(bar)] \(jobsVerified)/\(jobsTotal) verified \(state?.rawValue ?? "…")"
        let tail = "  " + Self.seconds(elapsed)
        var jobs = ""
        let sorted = running.sorted { $0.key < $1.key }
        for (shown, job) in sorted.enumerated() {
            let item = " #\(job.key) \(Int((job.value * 100).rounded(.down)))%"
            let more = " +\(sorted.count - shown) more"
            let room = width - head.count - tail.count - jobs.count
            let needsMore = shown < sorted.count - 1
            if item.count + (needsMore ? more.count : 0) > room {
                if more.count <= room { jobs += more }
                break
            }
            jobs += item
        }
        let line = head + jobs + tail
        return line.count > width ? String(line.prefix(max(width, 0))) : line
    }

    /// One plain line for an event, for logs and terminals that cannot redraw:
    /// `[  1.2s] verified job 3 (prover 1a2b3c4d…) 4/8 verified`.
    public static func eventLine(_ event: RequestEvent, elapsed: Duration) -> String {
        var text = "[\(seconds(elapsed).leftPad(7))] \(event.kind)"
        if let index = event.jobIndex { text += " job \(index)" }
        if event.kind == .progress { text += " \(Int((event.progress * 100).rounded(.down)))%" }
        if let prover = event.prover { text += " (prover \(prover.prefix(8))…)" }
        if event.kind == .state { text += " \(event.state.rawValue)" }
        text += " \(event.jobsVerified)/\(event.jobsTotal) verified"
        if !event.message.isEmpty { text += ": \(event.message)" }
        return text
    }

    /// `12.3s`.
    static func seconds(_ duration: Duration) -> String {
        let (whole, attoseconds) = duration.components
        let tenths = max(0, whole) * 10 + attoseconds / 100_000_000_000_000_000
        return "\(tenths / 10).\(tenths % 10)s"
    }
}

extension String {
    fileprivate func leftPad(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
