import Foundation

/// What every identifier of the network shares: a string underneath (what the wire and the database
/// carry), but a type of its own, so that the compiler keeps a request's id from being passed where a
/// job's is expected.
public protocol NetworkIdentifier: Sendable, Hashable, Comparable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    var rawValue: String { get }
    init(_ rawValue: String)
}

extension NetworkIdentifier {
    public init(stringLiteral value: String) { self.init(value) }
    public var description: String { rawValue }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    /// Encoded as the bare string, as the ids were before they had types of their own.
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The first `count` characters, for logs.
    public func prefix(_ count: Int) -> Substring { rawValue.prefix(count) }
}

/// A request's id: `req-` and 16 random hex digits.
public struct RequestID: NetworkIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// A fresh request id.
    public static func random() -> RequestID {
        var generator = SystemRandomNumberGenerator()
        return RequestID("req-" + String(format: "%016llx", generator.next() as UInt64))
    }
}

/// A job's id: its request's id, `/`, its input's index, and `~r` for replica r > 0 (`req-…/3~1`).
public struct JobID: NetworkIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// The id of replica `replica` of the job at `index` of a request (replica 0 is the job itself).
    public init(request: RequestID, index: Int, replica: Int = 0) {
        rawValue = replica == 0 ? "\(request.rawValue)/\(index)" : "\(request.rawValue)/\(index)~\(replica)"
    }

    /// The request the job belongs to: what comes before the `/`.
    public var requestID: RequestID { RequestID(String(rawValue.prefix { $0 != "/" })) }
}

/// A prover's id: the hex SHA-256 of its Ed25519 public key.
public struct ProverID: NetworkIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A circuit's id: the hex SHA-256 over its kind and its artifacts' hashes.
public struct CircuitID: NetworkIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// An operator's id: its Ethereum address, EIP-55 checksummed (operators arrive with the trust layer).
public struct OperatorID: NetworkIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// Time as the network stores it.
public enum Clock {
    /// Milliseconds since 1970, the unit of every timestamp the network stores. Only the edges read the
    /// clock (the gateway's loop, a prover's node); the job book is handed the time.
    public static func nowMillis() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}
