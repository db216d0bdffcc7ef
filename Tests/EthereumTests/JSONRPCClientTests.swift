import Ethereum
import Foundation
import TestSupport
import Testing

/// A node that answers nonsense gets a typed error, never a crash or unbounded memory: a real HTTP server (Python's
/// http.server on 127.0.0.1) answering each kind of wrong.
@Suite struct JSONRPCClientTests {
    /// Serves `body` with `status` to every POST until the process is stopped (or the test process ends); returns
    /// the process and its port. The port comes through a file, polled without blocking a thread of the pool.
    static func server(status: Int, body: String) async throws -> (Process, Int) {
        let script = """
            import http.server, os, sys, threading, time
            status, body, out = int(sys.argv[1]), sys.argv[2].encode(), sys.argv[3]
            class H(http.server.BaseHTTPRequestHandler):
                def log_message(self, *a): pass
                def do_POST(self):
                    self.rfile.read(int(self.headers.get("Content-Length", "0")))
                    data = body if body != b"HUGE" else b"[" * (3 << 20)
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
            parent = os.getppid()
            def orphaned():
                while os.getppid() == parent: time.sleep(1)
                os._exit(0)
            threading.Thread(target=orphaned, daemon=True).start()
            s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
            with open(out + ".tmp", "w") as f: f.write(str(s.server_address[1]))
            os.rename(out + ".tmp", out)
            s.serve_forever()
            """
        let portFile = FileManager.default.temporaryDirectory.appendingPathComponent("rpc-test-\(UUID()).port")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, "\(status)", body, portFile.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { try? FileManager.default.removeItem(at: portFile) }
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let port = Int(text) {
                return (process, port)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        kill(process.processIdentifier, SIGKILL)
        throw DevelopmentChainError("the test server did not start")
    }

    @Test(arguments: [
        (200, "HUGE", "more than 1048576 bytes"),
        (503, "{}", "HTTP 503"),
        (200, "not json", "not a JSON object"),
        (200, #"{"jsonrpc":"2.0","id":1}"#, "without a result"),
        (
            200, #"{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"execution reverted"}}"#,
            "execution reverted"
        ),
    ])
    func aNodeAnsweringNonsenseGetsATypedError(status: Int, body: String, expected: String) async throws {
        let (process, port) = try await Self.server(status: status, body: body)
        // SIGKILL: a test runner may ignore SIGTERM, and its children inherit that.
        defer { kill(process.processIdentifier, SIGKILL) }
        let client = JSONRPCClient(url: URL(string: "http://127.0.0.1:\(port)")!, timeoutSeconds: 30)
        do {
            _ = try await client.request("eth_chainId", paramsJSON: "[]")
            Issue.record("no error for \(body.prefix(40))")
        } catch {
            #expect("\(error)".contains(expected), "\(error)")
        }
    }

    @Test func aNodeThatIsNotThereIsUnreachable() async throws {
        let client = JSONRPCClient(url: URL(string: "http://127.0.0.1:1")!, timeoutSeconds: 5)
        await #expect(throws: EthereumError.self) { try await client.chainID() }
    }
}
