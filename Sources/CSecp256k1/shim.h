// Debian's libsecp256k1-dev (0.2.0 on bookworm) is built with the recovery module, which Ethereum's
// signatures (r, s, v) need: `secp256k1_ecdsa_sign_recoverable` and `secp256k1_ecdsa_recover`.
#include <secp256k1.h>
#include <secp256k1_recovery.h>
