// Identifier generation: random UUIDv4 strings and random hex tokens (non-secret uses;
// secrets such as refresh tokens and API keys come from auth/crypto with OpenSSL RAND).
#pragma once

#include <string>

namespace dcmms {

std::string newUuid();

}  // namespace dcmms
