import Foundation
import ProverNetClient
import ProverNetCore

/// What can stop a network of processes, a chaos run or one of its scenarios, each with what a user needs
/// to act on: the process and its log, the request and what it was waiting for.
public enum HarnessError: Error, Sendable, CustomStringConvertible {
    /// The gateway in this process could not start (the reason is what it said).
    case gatewayDidNotStart(reason: String)
    /// A `provernet` process could not be started.
    case cannotStart(process: String, reason: String)
    /// The gateway did not say where it listens in time, or exited first.
    case gatewayDidNotListen(seconds: Double, log: String, tail: String)
    /// A process did not exit in time after a signal.
    case didNotExit(process: String, signal: String, seconds: Double, log: String)
    /// Fewer provers than expected were connected to the gateway in time.
    case proversNotConnected(expected: [String], connected: [String], seconds: Double, directory: String)
    /// Fewer than `count` provers were connected to the gateway in this process in time.
    case tooFewProvers(count: Int, seconds: Double)
    /// A scenario named a prover the network does not have.
    case unknownProver(String)
    /// The gateway could not be reached for a call, even after it was given time to come back.
    case gatewayUnreachable(call: String, reason: String)
    /// A call to the gateway failed for a reason that waiting does not fix.
    case call(String, reason: String)
    /// The gateway refused a call; the client library's error says why.
    case refused(ProverNetClientError)
    /// The gateway did not accept a request the scenario needs.
    case notAccepted(reason: String)
    /// The event a scenario waits for (to inject its fault) did not come.
    case eventDidNotHappen(what: String, request: RequestID, seconds: Double)
    /// The run's directory or one of its files could not be made or read.
    case file(path: String, reason: String)
    /// The gateway's database could not be read after the run.
    case database(path: String, reason: String)
    /// The scenario ran out of time.
    case timedOut(seconds: Double, doing: String)
    /// The loopback forwarder could not be set up.
    case forwarder(reason: String)

    public var description: String {
        switch self {
        case .gatewayDidNotStart(let reason):
            reason
        case .cannotStart(let process, let reason):
            "cannot start \(process): \(reason)"
        case .gatewayDidNotListen(let seconds, let log, let tail):
            "the gateway did not report its port within \(Int(seconds)) s (log \(log)); its last lines:\n\(tail)"
        case .didNotExit(let process, let signal, let seconds, let log):
            "\(process) did not exit within \(Int(seconds)) s of \(signal); see \(log)"
        case .proversNotConnected(let expected, let connected, let seconds, let directory):
            "provers \(expected.joined(separator: ", ")) were not all connected within \(Int(seconds)) s "
                + "(connected: \(connected.isEmpty ? "none" : connected.joined(separator: ", "))); see their logs in \(directory)"
        case .tooFewProvers(let count, let seconds):
            "fewer than \(count) provers connected within \(Int(seconds)) s; see their logs"
        case .unknownProver(let name):
            "no prover named \(name) in this network"
        case .gatewayUnreachable(let call, let reason):
            "the gateway stayed unreachable for \(call): \(reason)"
        case .call(let call, let reason):
            "\(call) failed: \(reason)"
        case .refused(let error):
            error.description
        case .notAccepted(let reason):
            "the gateway did not accept the request: \(reason)"
        case .eventDidNotHappen(let what, let request, let seconds):
            "request \(request): no \(what) within \(Int(seconds)) s (or the request ended first)"
        case .file(let path, let reason):
            "\(path): \(reason)"
        case .database(let path, let reason):
            "cannot read the gateway's database \(path): \(reason)"
        case .timedOut(let seconds, let doing):
            "timed out after \(Int(seconds)) s while \(doing)"
        case .forwarder(let reason):
            "the loopback forwarder failed: \(reason)"
        }
    }
}
