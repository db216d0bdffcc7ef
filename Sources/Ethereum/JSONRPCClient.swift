import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A JSON-RPC 2.0 client of an Ethereum node over HTTP (async-http-client's shared client: one POST per call,
/// connections pooled). A node's answer is read up to `maximumResponseBytes`; a larger one is refused, so a node
/// that answers nonsense cannot make the gateway hold unbounded memory.
public struct JSONRPCClient: Sendable {
    /// The node's URL, e.g. `http://127.0.0.1:8545`.
    public let url: URL
    /// How long one call may take before it counts as unreachable.
    public let timeoutSeconds: Double
    /// The largest answer read (1 MiB: the registry's calls return a few words; a receipt with logs is kilobytes).
    public let maximumResponseBytes: Int

    public init(url: URL, timeoutSeconds: Double = 5, maximumResponseBytes: Int = 1 << 20) {
        self.url = url
        self.timeoutSeconds = timeoutSeconds
        self.maximumResponseBytes = maximumResponseBytes
    }

    /// Calls `method` with `params` (a JSON array, already encoded) and returns the `result` member's JSON value.
    public func request(_ method: String, paramsJSON: String) async throws(EthereumError) -> Any {
        let body = #"{"jsonrpc":"2.0","id":1,"method":"\#(method)","params":\#(paramsJSON)}"#
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let data: Data
        do {
            let response = try await HTTPClient.shared.execute(
                request, timeout: .milliseconds(Int64(max(1, timeoutSeconds * 1000))))
            guard (200..<300).contains(response.status.code) else {
                throw EthereumError.rpcTransport("\(url.absoluteString) answered HTTP \(response.status.code)")
            }
            let buffer = try await response.body.collect(upTo: maximumResponseBytes)
            data = Data(buffer.readableBytesView)
        } catch let error as EthereumError {
            throw error
        } catch let error as NIOTooManyBytesError {
            throw .rpcTransport("\(url.absoluteString) answered more than \(maximumResponseBytes) bytes (\(error))")
        } catch {
            throw .rpcTransport("\(url.absoluteString): \(error)")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw .rpcTransport("\(url.absoluteString) answered something that is not a JSON object")
        }
        if let error = object["error"] as? [String: Any] {
            throw .rpcError(code: (error["code"] as? Int) ?? 0, message: (error["message"] as? String) ?? "")
        }
        guard let result = object["result"] else {
            throw .rpcTransport("\(url.absoluteString) answered without a result")
        }
        return result
    }

    /// `eth_call` of `data` on `to` at `block` ("latest" by default); returns the returned bytes.
    public func call(to: Address, data: [UInt8], block: String = "latest") async throws(EthereumError) -> [UInt8] {
        let params = #"[{"to":"\#(to.lowercased)","data":"\#(Hex.encode(data))"},"\#(block)"]"#
        let result = try await request("eth_call", paramsJSON: params)
        guard let hex = result as? String else { throw .rpcTransport("eth_call's result is not a string") }
        return try Hex.decode(hex)
    }

    /// `eth_chainId`.
    public func chainID() async throws(EthereumError) -> UInt256 {
        guard let hex = try await request("eth_chainId", paramsJSON: "[]") as? String else {
            throw .rpcTransport("eth_chainId's result is not a string")
        }
        return try UInt256(hex)
    }
}
