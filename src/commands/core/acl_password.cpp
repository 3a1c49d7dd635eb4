// Passwords: hashed with SHA-256, compared in constant time, generated from
// the system's random source. OpenSSL does the cryptography; nothing here is
// home-made.
//
// Redis keeps only SHA-256 hashes (hex, lower case), so ACL GETUSER and ACL
// LIST never show a password, and an ACL file can be shared without them.
// Comparing hashes with memcmp would return sooner the earlier two differ,
// which leaks timing; CRYPTO_memcmp takes the same time for any difference.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>
#include <vector>

#include "commands/core/acl_user.h"

namespace mini_redis::commands {

namespace {

constexpr std::string_view kHexDigits = "0123456789abcdef";

std::string to_hex(const unsigned char* bytes, std::size_t size) {
  std::string text;
  text.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    text.push_back(kHexDigits[bytes[i] >> 4]);
    text.push_back(kHexDigits[bytes[i] & 0x0f]);
  }
  return text;
}

}  // namespace

std::string hash_password(std::string_view password) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(password.data(), password.size(), digest.data(), &size, EVP_sha256(), nullptr) !=
      1) {
    throw std::runtime_error("SHA-256 failed");  // OpenSSL without SHA-256: cannot go on safely
  }
  return to_hex(digest.data(), size);
}

bool password_matches(const AclUser& user, std::string_view password) {
  if (user.nopass) return true;
  const std::string hash = hash_password(password);
  // Every stored hash is compared, matched or not, as Redis does: the time
  // says nothing about which one matched.
  bool matched = false;
  for (const std::string& stored : user.password_hashes) {
    if (stored.size() == hash.size() &&
        CRYPTO_memcmp(stored.data(), hash.data(), hash.size()) == 0) {
      matched = true;
    }
  }
  return matched;
}

std::string random_hex_password(std::size_t bits) {
  // Redis draws whole bytes and prints ceil(bits / 4) hex digits of them.
  const std::size_t chars = (bits + 3) / 4;
  std::vector<unsigned char> bytes((chars + 1) / 2);
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("no random bytes");  // never hand out a guessable password
  }
  std::string text = to_hex(bytes.data(), bytes.size());
  text.resize(chars);
  return text;
}

}  // namespace mini_redis::commands
