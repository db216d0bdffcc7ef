import BN254
import Foundation
import WasmKit
import WasmParser

/// Computes a circuit's witness by running the `.wasm` witness generator that circom writes next to the
/// circuit (`circom --wasm`), with WasmKit: the same values, in the same order, as snarkjs's
/// `wtns calculate`.
///
/// Both generations of the interface are understood: circom 2.x modules (exporting `getVersion`) and the
/// older circom 1 modules (exporting `getSignalOffset32`). The circuit's prime must be BN254's scalar field.
///
/// ```swift
/// let calculator = try WitnessCalculator(wasmFile: URL(fileURLWithPath: "circuit_js/circuit.wasm"))
/// let witness = try calculator.calculate(inputJSON: Data(#"{"a": 3, "b": "0x0b"}"#.utf8))
/// ```
///
/// A calculator parses and validates the module once and keeps the instances it has used for the next
/// calculations (a fresh instance first translates the code it runs, which costs far more than running it).
/// One calculator may be used for many inputs, from many tasks at once: each calculation has an instance
/// of its own.
public struct WitnessCalculator: Sendable {
    /// The witness-generator interface a module implements.
    public enum Interface: Equatable, Sendable {
        /// circom 2.x, with the compiler version that wrote the module ("2.1.9").
        case circom2(version: String)
        /// circom 1 (`getSignalOffset32`, `setSignal`, `getPWitness`).
        case circom1
    }

    /// The interface this module implements.
    public let interface: Interface
    /// The number of values in a witness (the circuit's wires, the constant 1 first).
    public let witnessCount: Int
    /// The number of input values a calculation must set, arrays counted element by element; circom 1
    /// modules do not say, so it is nil for them.
    public let inputCount: Int?
    /// Receives each line the circuit prints with `log(...)` (circom 2) or `log` (circom 1); by default
    /// the lines are dropped.
    public var logHandler: (@Sendable (String) -> Void)?

    let engine: Engine
    let module: Module
    let generator: Generator
    let pool: InstancePool

    /// What a calculation needs to know of the module, read once when it is loaded.
    enum Generator: Sendable {
        case circom2(Circom2Generator.Facts)
        case circom1(Circom1Generator.Facts)
    }

    /// Loads a witness generator from the bytes of its `.wasm` file, checking that it implements one of
    /// circom's interfaces for BN254's scalar field.
    public init(wasm: [UInt8]) throws(WitnessCalculatorError) {
        // The interpreter's stack holds the generator's locals and frames; circom's templates can be deep.
        engine = Engine(configuration: EngineConfiguration(stackSize: 1 << 23))
        pool = InstancePool(capacity: ProcessInfo.processInfo.activeProcessorCount)
        do {
            module = try parseWasm(bytes: wasm)
        } catch {
            throw .invalidWasm(reason: "\(error)")
        }
        let exports = Set(module.exports.map(\.name))
        if exports.contains("getVersion") {
            for name in Circom2Generator.requiredExports where !exports.contains(name) {
                throw .missingExport(name: name, interface: Circom2Generator.interfaceName)
            }
            try Self.checkImports(of: module, supported: Circom2Generator.importNames)
            let guest = try Circom2Generator.instantiate(
                module: module, engine: engine, state: GuestState(logHandler: nil))
            let facts = try Circom2Generator.facts(of: guest)
            interface = .circom2(version: facts.version)
            witnessCount = facts.witnessCount
            inputCount = facts.inputCount
            generator = .circom2(facts)
            pool.put(guest)
        } else if exports.contains("getSignalOffset32") {
            for name in Circom1Generator.requiredExports where !exports.contains(name) {
                throw .missingExport(name: name, interface: Circom1Generator.interfaceName)
            }
            try Self.checkImports(of: module, supported: Circom1Generator.importNames)
            let memoryType = try Circom1Generator.memoryType(of: module)
            let state = GuestState(logHandler: nil)
            let guest = try Circom1Generator.instantiate(
                module: module, engine: engine, memoryType: memoryType, state: state)
            let facts: Circom1Generator.Facts
            do {
                facts = try Circom1Generator.facts(of: guest, memoryType: memoryType)
            } catch {
                state.importedMemory = nil // see InstancePool.deinit
                throw error
            }
            interface = .circom1
            witnessCount = facts.witnessCount
            inputCount = nil
            generator = .circom1(facts)
            pool.put(guest)
        } else {
            throw .missingExport(name: "getVersion", interface: "circom 2 or circom 1 (getSignalOffset32)")
        }
    }

    /// Loads a witness generator from a `.wasm` file.
    public init(wasmFile: URL) throws(WitnessCalculatorError) {
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: wasmFile))
        } catch {
            throw .io(file: wasmFile.path, reason: error.localizedDescription)
        }
        try self.init(wasm: bytes)
    }

    /// Computes the witness for circom input JSON: an object whose members are the input signals, each a
    /// number, a decimal or `0x`-hexadecimal string, or (nested) arrays of them for array signals.
    /// Values are reduced modulo r, so −1 stands for r − 1.
    public func calculate(inputJSON: Data) throws(WitnessCalculatorError) -> [Fr] {
        try calculate(CircuitInput(json: [UInt8](inputJSON)))
    }

    /// Computes the witness for inputs given as field elements, each signal's array flattened in
    /// row-major order (for `signal input m[2][3]`, `m[0][0], m[0][1], …, m[1][2]`).
    public func calculate(inputs: [String: [Fr]]) throws(WitnessCalculatorError) -> [Fr] {
        // Sorted, so that the first error reported for a bad input does not depend on hashing.
        try calculate(CircuitInput(signals: inputs.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
    }

    func calculate(_ input: CircuitInput) throws(WitnessCalculatorError) -> [Fr] {
        let guest: GuestInstance
        if let pooled = pool.take() {
            guest = pooled
        } else {
            guest = try instantiate()
        }
        guest.state.reset(logHandler: logHandler)
        do {
            let witness: [Fr]
            switch generator {
            case .circom2(let facts): witness = try Circom2Generator.calculate(guest, input: input, facts: facts)
            case .circom1(let facts): witness = try Circom1Generator.calculate(guest, input: input, facts: facts)
            }
            pool.put(guest)
            return witness
        } catch {
            guest.state.importedMemory = nil // see InstancePool.deinit
            throw error
        }
    }

    func instantiate() throws(WitnessCalculatorError) -> GuestInstance {
        let state = GuestState(logHandler: logHandler)
        switch generator {
        case .circom2:
            return try Circom2Generator.instantiate(module: module, engine: engine, state: state)
        case .circom1(let facts):
            return try Circom1Generator.instantiate(
                module: module, engine: engine, memoryType: facts.memoryType, state: state)
        }
    }

    /// Fails for an import outside the circom runtime, which instantiation could not satisfy.
    static func checkImports(of module: Module, supported: Set<String>) throws(WitnessCalculatorError) {
        for entry in module.imports {
            if case .memory = entry.descriptor, entry.module == "env", entry.name == "memory" { continue }
            guard entry.module == "runtime", supported.contains(entry.name) else {
                throw .unsupportedImport(module: entry.module, name: entry.name)
            }
        }
    }
}
