/// A point in affine coordinates, with an explicit flag for the point at infinity.
@frozen
public struct AffinePoint<C: CurveParameters>: Sendable {
    public var x: C.Field
    public var y: C.Field
    public var isInfinity: Bool

    /// Wraps coordinates without checking them; use `init(x:y:)` for untrusted input.
    @inlinable @inline(__always)
    public init(unchecked x: C.Field, _ y: C.Field, isInfinity: Bool = false) {
        self.x = x
        self.y = y
        self.isInfinity = isInfinity
    }

    /// A point from untrusted coordinates: fails if it is not on the curve. (It does not check the
    /// subgroup; see `isInSubgroup` for G2.)
    public init(x: C.Field, y: C.Field) throws(BN254Error) {
        self.init(unchecked: x, y)
        guard isOnCurve else {
            throw .notOnCurve(group: C.name, x: "\(x)", y: "\(y)")
        }
    }

    public static var infinity: Self { Self(unchecked: .zero, .zero, isInfinity: true) }
    public static var generator: Self { Self(unchecked: C.generator.x, C.generator.y) }

    /// Whether y² = x³ + b (infinity counts as on the curve).
    @inlinable
    public var isOnCurve: Bool {
        isInfinity || y.squared() == x.squared() * x + C.b
    }

    @inlinable
    public static prefix func - (p: Self) -> Self {
        p.isInfinity ? p : Self(unchecked: p.x, -p.y)
    }

    /// The same point in Jacobian coordinates.
    @inlinable
    public var jacobian: JacobianPoint<C> { JacobianPoint(self) }
}

extension AffinePoint: Equatable {
    @inlinable
    public static func == (a: Self, b: Self) -> Bool {
        if a.isInfinity || b.isInfinity { return a.isInfinity == b.isInfinity }
        return a.x == b.x && a.y == b.y
    }
}

extension AffinePoint: CustomStringConvertible {
    public var description: String { isInfinity ? "\(C.name)(infinity)" : "\(C.name)(\(x), \(y))" }
}

public typealias G1Affine = AffinePoint<G1Parameters>
public typealias G2Affine = AffinePoint<G2Parameters>
