/// Four little-endian 64-bit limbs of a 256-bit integer.
public typealias Limbs4 = (UInt64, UInt64, UInt64, UInt64)

/// The constants that define a 254-bit prime field in Montgomery form (R = 2^256).
///
/// Every property is a literal, so that after specialization `PrimeField<P>` compiles to the same code as
/// a hand-written field type. The arithmetic relies on the modulus leaving the top two bits of the top limb
/// free (the "no-carry" Montgomery multiplication of gnark-crypto), which holds for both BN254 fields.
public protocol PrimeFieldParameters: Sendable {
    /// The field's name, used in error messages ("Fq", "Fr").
    static var name: String { get }
    /// The modulus p.
    static var modulus: Limbs4 { get }
    /// -p^-1 mod 2^64.
    static var inv: UInt64 { get }
    /// R mod p (the Montgomery form of one).
    static var r1: Limbs4 { get }
    /// R^2 mod p (converts into Montgomery form).
    static var r2: Limbs4 { get }
    /// R^3 mod p (fixes up an inverse computed on Montgomery representatives).
    static var r3: Limbs4 { get }
    /// The 2-adicity s of p - 1 = 2^s·t with t odd.
    static var twoAdicity: Int { get }
    /// (t - 1) / 2, for Tonelli–Shanks.
    static var tMinusOneOverTwo: Limbs4 { get }
    /// g^t in Montgomery form for a quadratic non-residue g: a primitive 2^s-th root of unity.
    static var rootOfUnity: Limbs4 { get }
    /// A small quadratic non-residue, as an integer.
    static var nonResidue: UInt64 { get }
}

/// The base field of BN254: q = 21888242871839275222246405745257275088696311157297823662689037894645226208583.
public enum FqParameters: PrimeFieldParameters {
    public static let name = "Fq"
    @inlinable public static var modulus: Limbs4 {
        (0x3c20_8c16_d87c_fd47, 0x9781_6a91_6871_ca8d, 0xb850_45b6_8181_585d, 0x3064_4e72_e131_a029)
    }
    @inlinable public static var inv: UInt64 { 0x87d2_0782_e486_6389 }
    @inlinable public static var r1: Limbs4 {
        (0xd35d_438d_c58f_0d9d, 0x0a78_eb28_f5c7_0b3d, 0x666e_a36f_7879_462c, 0x0e0a_77c1_9a07_df2f)
    }
    @inlinable public static var r2: Limbs4 {
        (0xf32c_fc5b_538a_fa89, 0xb5e7_1911_d445_01fb, 0x47ab_1eff_0a41_7ff6, 0x06d8_9f71_cab8_351f)
    }
    @inlinable public static var r3: Limbs4 {
        (0xb1cd_6daf_da15_30df, 0x62f2_10e6_a728_3db6, 0xef7f_0b0c_0ada_0afb, 0x20fd_6e90_2d59_2544)
    }
    @inlinable public static var twoAdicity: Int { 1 }
    @inlinable public static var tMinusOneOverTwo: Limbs4 {
        (0x4f08_2305_b61f_3f51, 0x65e0_5aa4_5a1c_72a3, 0x6e14_116d_a060_5617, 0x0c19_139c_b84c_680a)
    }
    @inlinable public static var rootOfUnity: Limbs4 {
        (0x68c3_4889_12ed_efaa, 0x8d08_7f68_72aa_bf4f, 0x51e1_a247_0908_1231, 0x2259_d6b1_4729_c0fa)
    }
    @inlinable public static var nonResidue: UInt64 { 3 }
}

/// The scalar field of BN254 (the group order):
/// r = 21888242871839275222246405745257275088548364400416034343698204186575808495617.
public enum FrParameters: PrimeFieldParameters {
    public static let name = "Fr"
    @inlinable public static var modulus: Limbs4 {
        (0x43e1_f593_f000_0001, 0x2833_e848_79b9_7091, 0xb850_45b6_8181_585d, 0x3064_4e72_e131_a029)
    }
    @inlinable public static var inv: UInt64 { 0xc2e1_f593_efff_ffff }
    @inlinable public static var r1: Limbs4 {
        (0xac96_341c_4fff_fffb, 0x36fc_7695_9f60_cd29, 0x666e_a36f_7879_462e, 0x0e0a_77c1_9a07_df2f)
    }
    @inlinable public static var r2: Limbs4 {
        (0x1bb8_e645_ae21_6da7, 0x53fe_3ab1_e35c_59e3, 0x8c49_833d_53bb_8085, 0x0216_d0b1_7f4e_44a5)
    }
    @inlinable public static var r3: Limbs4 {
        (0x5e94_d8e1_b4bf_0040, 0x2a48_9cbe_1cfb_b6b8, 0x893c_c664_a19f_cfed, 0x0cf8_594b_7fcc_657c)
    }
    @inlinable public static var twoAdicity: Int { 28 }
    @inlinable public static var tMinusOneOverTwo: Limbs4 {
        (0xcdcb_848a_1f0f_ac9f, 0x0c0a_c2e9_419f_4243, 0x098d_014d_c282_2db4, 0x0000_0001_8322_7397)
    }
    @inlinable public static var rootOfUnity: Limbs4 {
        (0x636e_7355_80d1_3d9c, 0xa22b_f374_2445_ffd6, 0x5645_2ac0_1eb2_03d8, 0x1860_ef94_2963_f9e7)
    }
    @inlinable public static var nonResidue: UInt64 { 5 }
}
