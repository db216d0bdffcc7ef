/// The operations shared by every field of the BN254 tower, so that curve arithmetic can be written once
/// for G1 (over Fq) and G2 (over Fq2).
public protocol FieldElement: Sendable, Equatable {
    static var zero: Self { get }
    static var one: Self { get }
    var isZero: Bool { get }
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    static prefix func - (a: Self) -> Self
    func squared() -> Self
    func doubled() -> Self
    /// The inverse; zero maps to zero.
    func inverse() -> Self
    /// Inverts every element of the buffer with one inversion; zeros stay zero.
    static func batchInverse(_ values: UnsafeMutableBufferPointer<Self>)
}

extension PrimeField: FieldElement {}
