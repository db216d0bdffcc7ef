/// Placeholder until the first Groth16 type lands.
enum Groth16Placeholder {}
