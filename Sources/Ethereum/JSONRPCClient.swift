import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A JSON-RPC 2.0 client of an Ethereum node over HTTP (Foundation's URLSession: one POST per call).
public struct JSONRPCClient: Sendable {
    /// The node's URL, e.g. `http://127.0.0.1:8545`.
    public let url: URL
    /// How long one call may take before it counts as unreachable.
    public let timeoutSeconds: Double

    public init(url: URL, timeoutSeconds: Double = 5) {
        self.url = url
        self.timeoutSeconds = timeoutSeconds
    }

    /// Calls `method` with `params` (a JSON array, already encoded) and returns the `result` member's JSON value.
    public func request(_ method: String, paramsJSON: String) async throws(EthereumError) -> Any {
        let body = #"{"jsonrpc":"2.0","id":1,"method":"\#(method)","params":\#(paramsJSON)}"#
        var request = URLRequest(url: url, timeoutInterval: timeoutSeconds)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body.utf8)
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw .rpcTransport("\(url.absoluteString): \(error.localizedDescription)")
        }
        if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
            throw .rpcTransport("\(url.absoluteString) answered HTTP \(http.statusCode)")
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
