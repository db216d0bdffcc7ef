import BN254
import WasmKit

/// The witness-generator interface of circom 2.x `.wasm` files, as circom's own `witness_calculator.js`
/// drives it (circom `code_producers/src/wasm_elements/common/witness_calculator.js`).
///
/// Field elements cross the boundary through a "shared read-write memory" of `getFieldNumLen32()` 32-bit
/// words, least significant first: `writeSharedRWMemory(j, word)` before `setInputSignal(hMSB, hLSB, i)`,
/// and `readSharedRWMemory(j)` after `getRawPrime()` or `getWitness(i)`. Signals are named by the FNV-1a
/// hash of their qualified name. The circuit runs as its inputs arrive: the call that sets the last input
/// computes the whole witness, and a failing `assert` or `===` calls the imported `exceptionHandler` after
/// `printErrorMessage` has been called once per line of the circuit's message.
enum Circom2Generator {
    static let interfaceName = "circom 2"
    static let requiredExports = [
        "getVersion", "getFieldNumLen32", "getRawPrime", "readSharedRWMemory", "writeSharedRWMemory", "init",
        "getInputSignalSize", "setInputSignal", "getInputSize", "getWitnessSize", "getWitness",
    ]
    static let importNames: Set<String> = [
        "exceptionHandler", "printErrorMessage", "writeBufferMessage", "showSharedRWMemory",
    ]

    /// The facts a calculator reads once, when it loads the module.
    struct Facts: Sendable {
        var version: String
        var witnessCount: Int
        var inputCount: Int
    }

    /// Instantiates the module with the circom 2 runtime imports.
    static func instantiate(module: Module, engine: Engine, state: GuestState) throws(WitnessCalculatorError)
        -> GuestInstance
    {
        try GuestInstance(module: module, engine: engine, interfaceName: interfaceName, state: state) { store in
            runtimeImports(store: store, state: state)
        }
    }

    /// Reads the version, the prime (which must be BN254's r) and the sizes.
    static func facts(of guest: GuestInstance) throws(WitnessCalculatorError) -> Facts {
        var version = "\(try guest.callI32("getVersion"))"
        for part in ["getMinorVersion", "getPatchVersion"] where guest.instance.exports[function: part] != nil {
            version += ".\(try guest.callI32(part))"
        }
        let words = Int(try guest.callI32("getFieldNumLen32"))
        try guest.call("getRawPrime")
        let prime = try readShared(guest, words: words)
        guard words == 8, limbs(fromWords32: prime) == FrParameters.modulus else {
            throw .wrongPrime(found: hexString(words32: prime))
        }
        return Facts(
            version: version,
            witnessCount: Int(try guest.callI32("getWitnessSize")),
            inputCount: Int(try guest.callI32("getInputSize"))
        )
    }

    /// Sets every input, checking names and sizes as circom's runtime does, and reads the witness.
    static func calculate(_ guest: GuestInstance, input: CircuitInput, facts: Facts) throws(WitnessCalculatorError)
        -> [Fr]
    {
        try guest.call("init", 0)
        let write = try guest.function("writeSharedRWMemory")
        let set = try guest.function("setInputSignal")
        var given = 0
        for (name, values) in input.signals {
            let hash = SignalHash(name)
            let size = Int32(bitPattern: try guest.callI32("getInputSignalSize", hash.high, hash.low))
            // circom's runtime answers 0 (older versions −1) for a name that is not an input signal.
            guard size > 0 || (size == 0 && values.isEmpty) else { throw .unknownSignal(name) }
            guard values.count == Int(size) else {
                throw .wrongNumberOfValues(signal: name, expected: Int(size), actual: values.count)
            }
            for (index, value) in values.enumerated() {
                for (j, word) in value.words32.enumerated() {
                    _ = try guest.invoke(write, name: "writeSharedRWMemory", [UInt32(j), word])
                }
                _ = try guest.invoke(set, name: "setInputSignal", [hash.high, hash.low, UInt32(index)])
                given += 1
            }
        }
        guard given >= facts.inputCount else { throw .missingInputs(given: given, expected: facts.inputCount) }

        let getWitness = try guest.function("getWitness")
        var witness: [Fr] = []
        witness.reserveCapacity(facts.witnessCount)
        for index in 0..<facts.witnessCount {
            _ = try guest.invoke(getWitness, name: "getWitness", [UInt32(index)])
            let words = try readShared(guest, words: 8)
            do {
                witness.append(try Fr(canonical: limbs(fromWords32: words)))
            } catch {
                throw .protocolViolation("witness value \(index) is not below r: \(hexString(words32: words))")
            }
        }
        return witness
    }

    /// The shared read-write memory's first `words` words, least significant first.
    static func readShared(_ guest: GuestInstance, words: Int) throws(WitnessCalculatorError) -> [UInt32] {
        guard words > 0, words <= 64 else { throw .wrongFieldSize(words32: words) }
        let read = try guest.function("readSharedRWMemory")
        var result: [UInt32] = []
        result.reserveCapacity(words)
        for j in 0..<words {
            result.append(
                try GuestInstance.i32Result(
                    try guest.invoke(read, name: "readSharedRWMemory", [UInt32(j)]), name: "readSharedRWMemory"))
        }
        return result
    }

    /// circom's texts for `exceptionHandler`'s codes.
    static func exceptionText(code: Int32) -> String {
        switch code {
        case 1: return "Signal not found."
        case 2: return "Too many signals set."
        case 3: return "Signal already set."
        case 4: return "Assert Failed."
        case 5: return "Not enough memory."
        case 6: return "Input signal array access exceeds the size."
        default: return "Unknown error."
        }
    }

    /// The functions a circom 2 module imports from "runtime".
    static func runtimeImports(store: Store, state: GuestState) -> Imports {
        var imports = Imports()
        imports.define(
            module: "runtime", name: "exceptionHandler",
            Function(store: store, parameters: [.i32]) { _, arguments in
                let code = Int32(bitPattern: arguments.first?.i32 ?? 0)
                var message = exceptionText(code: code)
                if !state.errorText.isEmpty { message += "\n" + state.errorText }
                while message.last == "\n" { message.removeLast() }
                state.errorText = ""
                throw state.fail(.circuitFailed(code: Int(code), message: message))
            })
        imports.define(
            module: "runtime", name: "printErrorMessage",
            Function(store: store, parameters: []) { caller, _ in
                state.errorText += try message(from: caller, state: state) + "\n"
                return []
            })
        imports.define(
            module: "runtime", name: "writeBufferMessage",
            Function(store: store, parameters: []) { caller, _ in
                // Every log(...) ends with a message of just "\n": that is when circom's runtime prints the line.
                let message = try message(from: caller, state: state)
                if message == "\n" {
                    state.emitLogLine()
                } else {
                    if !state.logLine.isEmpty { state.logLine += " " }
                    state.logLine += message
                }
                return []
            })
        imports.define(
            module: "runtime", name: "showSharedRWMemory",
            Function(store: store, parameters: []) { caller, _ in
                // log(signal) prints the value the circuit left in the shared memory, as part of the current line.
                guard let instance = caller.instance,
                    let read = instance.exports[function: "readSharedRWMemory"]
                else { return [] }
                var words: [UInt32] = []
                for j in 0..<8 { words.append(try read.invoke([.i32(UInt32(j))]).first?.i32 ?? 0) }
                let text = (try? Fr(canonical: limbs(fromWords32: words)).decimal) ?? hexString(words32: words)
                if !state.logLine.isEmpty { state.logLine += " " }
                state.logLine += text
                return []
            })
        return imports
    }

    /// The NUL-terminated message the circuit has ready, read a character at a time with `getMessageChar`.
    static func message(from caller: borrowing Caller, state: GuestState) throws -> String {
        guard let getMessageChar = caller.instance?.exports[function: "getMessageChar"] else {
            throw state.fail(.missingExport(name: "getMessageChar", interface: interfaceName))
        }
        var bytes: [UInt8] = []
        // A message is a line of text; the bound only stops a broken module from looping forever.
        while bytes.count < 1 << 16 {
            let character = try getMessageChar.invoke([]).first?.i32 ?? 0
            if character == 0 { break }
            bytes.append(UInt8(truncatingIfNeeded: character))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
