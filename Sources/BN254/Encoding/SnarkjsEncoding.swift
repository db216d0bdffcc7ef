/// snarkjs JSON: decimal strings, points as projective triples. G1 is ["x", "y", "z"], G2 is
/// [["x.c0", "x.c1"], ["y.c0", "y.c1"], ["z.c0", "z.c1"]]. snarkjs writes affine points with z = 1 and the
/// point at infinity as ["0", "1", "0"]; a general z is read as Jacobian (ffjavascript's convention).
extension AffinePoint where C == G1Parameters {
    public init(snarkjs strings: [String]) throws(BN254Error) {
        guard strings.count == 3 else {
            throw .malformed("a G1 point needs 3 decimal strings (x, y, z), got \(strings.count)")
        }
        let x = try Fq(string: strings[0])
        let y = try Fq(string: strings[1])
        let z = try Fq(string: strings[2])
        try self.init(jacobianX: x, y: y, z: z)
    }

    /// The snarkjs triple ["x", "y", "1"], or ["0", "1", "0"] for infinity.
    public var snarkjs: [String] {
        isInfinity ? ["0", "1", "0"] : [x.decimal, y.decimal, "1"]
    }
}

extension AffinePoint where C == G2Parameters {
    /// Reads a snarkjs G2 triple and checks curve and subgroup.
    public init(snarkjs strings: [[String]]) throws(BN254Error) {
        guard strings.count == 3, strings.allSatisfy({ $0.count == 2 }) else {
            throw .malformed("a G2 point needs 3 pairs of decimal strings, got \(strings.map(\.count))")
        }
        func element(_ pair: [String]) throws(BN254Error) -> Fq2 {
            Fq2(try Fq(string: pair[0]), try Fq(string: pair[1]))
        }
        try self.init(jacobianX: try element(strings[0]), y: try element(strings[1]), z: try element(strings[2]))
        guard isInSubgroup else { throw .notInSubgroup(group: "G2") }
    }

    /// The snarkjs triple [[x.c0, x.c1], [y.c0, y.c1], ["1", "0"]], or infinity as [["0","0"],["1","0"],["0","0"]].
    public var snarkjs: [[String]] {
        if isInfinity { return [["0", "0"], ["1", "0"], ["0", "0"]] }
        return [[x.c0.decimal, x.c1.decimal], [y.c0.decimal, y.c1.decimal], ["1", "0"]]
    }
}

extension AffinePoint {
    /// The affine point of Jacobian coordinates (X/Z², Y/Z³), or infinity when Z = 0; checks the curve.
    init(jacobianX x: C.Field, y: C.Field, z: C.Field) throws(BN254Error) {
        if z.isZero {
            self = .infinity
            return
        }
        if z == C.Field.one {
            try self.init(x: x, y: y)
            return
        }
        let p = JacobianPoint<C>(x: x, y: y, z: z)
        guard p.isOnCurve else { throw .notOnCurve(group: C.name, x: "\(x)", y: "\(y)") }
        self = p.toAffine()
    }
}
