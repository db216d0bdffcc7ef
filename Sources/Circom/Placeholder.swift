/// Placeholder until the first Circom type lands.
enum CircomPlaceholder {}
