import Foundation
import ProverNetCrypto
import TestSupport
import Testing

/// The QR codes `provernet admin init` draws, read back by zbar (`zbarimg`, Debian's zbar-tools, which
/// `scripts/setup` installs): an independent decoder. Without zbarimg the decoding tests are skipped, except
/// in CI (`CI` set), where they fail.
struct QRCodeTests {
    static var zbarimg: URL? {
        ["/usr/bin/zbarimg", "/usr/local/bin/zbarimg"].map(URL.init(fileURLWithPath:))
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }
    static var decodable: Bool { zbarimg != nil || ProcessInfo.processInfo.environment["CI"] != nil }

    /// What zbar reads from the code's image.
    static func decode(_ code: QRCode) throws -> String {
        guard let zbarimg else { throw QRTestError("zbarimg is missing: scripts/setup installs zbar-tools") }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString).pgm")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(code.pgm()).write(to: file)
        let run = try CommandRun.run(zbarimg, ["--raw", "-q", "-Sdisable", "-Sqrcode.enable", file.path])
        guard run.status == 0 else { throw QRTestError("zbarimg: \(run.status) \(run.stderr)") }
        return run.stdout.hasSuffix("\n") ? String(run.stdout.dropLast()) : run.stdout
    }

    struct QRTestError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    @Test(.enabled(if: decodable), arguments: [1, 14, 20, 40, 70, 90, 110, 130, 160, 200, 213])
    func zbarReadsWhatWasEncoded(length: Int) throws {
        let text = String(
            (0..<length).map { i in Array("otpauth://totp/ProverNet:alice?secret=ABCDEFGH234567")[i % 48] })
        let code = try QRCode(bytes: Array(text.utf8))
        #expect(code.size == code.version * 4 + 17)
        #expect(try Self.decode(code) == text, "version \(code.version), mask \(code.mask)")
    }

    @Test(.enabled(if: decodable), arguments: 0..<8)
    func everyMaskReads(mask: Int) throws {
        // Version 7 or more: the version information blocks are drawn too.
        let text =
            "otpauth://totp/ProverNet:admin%20%280123456789abcdef%29?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=ProverNet"
        let code = try QRCode(bytes: Array(text.utf8), mask: mask)
        #expect(code.version >= 7 && code.mask == mask)
        #expect(try Self.decode(code) == text)
    }

    @Test func tooLongIsATypedError() {
        #expect(throws: QRCode.EncodingError.self) { try QRCode(bytes: Array(repeating: 65, count: 214)) }
        #expect(throws: Never.self) { try QRCode(bytes: Array(repeating: 65, count: 213)) }
    }

    @Test func theTerminalFormDrawsTwoRowsPerLine() throws {
        let code = try QRCode(bytes: Array("hello".utf8))
        let lines = code.terminalText.split(separator: "\n")
        #expect(lines.count == (code.size + 8 + 1) / 2)
    }
}
