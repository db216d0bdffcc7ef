import ArgumentParser
import BN254
import Circom
import Foundation
import Groth16

/// Writes a one-line reason to standard error and returns the exit code to throw: the CLI's convention is
/// 0 success (or valid), 1 invalid, 2 bad input.
func failure(_ message: String, code: Int32 = 2) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    return ExitCode(code)
}

/// Writes a line to standard error (warnings, progress), keeping standard output for results.
func note(_ message: String) {
    FileHandle.standardError.write(Data("\(message)\n".utf8))
}

/// Runs `body`, turning any error into a one-line message and exit status 2.
func badInputExits<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        throw failure(oneLineReason(error))
    }
}

/// `badInputExits` for async work.
func badInputExitsAsync<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        throw failure(oneLineReason(error))
    }
}

/// An error as a user reads it: Foundation's file errors as the file and what is wrong with it, never as an
/// `NSCocoaErrorDomain` dump; our own errors as they describe themselves.
func oneLineReason(_ error: any Error) -> String {
    guard let cocoa = error as? CocoaError else { return "\(error)" }
    let path = cocoa.filePath ?? cocoa.url?.path
    let what: String
    switch cocoa.code {
    case .fileReadNoSuchFile, .fileNoSuchFile: what = "no such file"
    case .fileReadNoPermission, .fileWriteNoPermission: what = "permission denied"
    case .fileReadCorruptFile, .propertyListReadCorrupt: what = "not in the expected format"
    default: what = cocoa.localizedDescription
    }
    return path.map { "\($0): \(what)" } ?? what
}

extension URL {
    /// A URL for a path given on the command line.
    init(commandLinePath path: String) {
        self.init(fileURLWithPath: path)
    }
}

/// The shared tail of `groth16 prove` and `groth16 fullprove`: read the key as a prover does, prove, and
/// write the proof and public signals as snarkjs JSON.
func proveAndWrite(zkey: String, witness: [Fr], proof: String, publicSignals: String, threads: Int) throws {
    let key = try ZKeyFile(contentsOf: URL(commandLinePath: zkey), options: .prover).provingKey
    let (p, signals) = try Prover.prove(key: key, witness: witness, threads: threads)
    try p.writeSnarkjsJSON(to: URL(commandLinePath: proof))
    try PublicSignals.write(signals, to: URL(commandLinePath: publicSignals))
}

/// Runs a circom witness generator on an input JSON file.
func calculateWitness(wasm: String, input: String) throws -> [Fr] {
    let calculator = try WitnessCalculator(wasmFile: URL(commandLinePath: wasm))
    return try calculator.calculate(inputJSON: try Data(contentsOf: URL(commandLinePath: input)))
}
