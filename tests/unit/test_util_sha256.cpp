#include <catch2/catch.hpp>

#include "test_util_support.hpp"
#include "util/sha256.hpp"

using simmer::util::sha256_file_hex;
using simmer::util::sha256_hex;

TEST_CASE("sha256: matches the FIPS 180-4 test vectors") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(std::string(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // Padding edge: 55, 56 and 64 bytes need one, two and two final blocks.
  CHECK(sha256_hex(std::string(55, 'a')) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  CHECK(sha256_hex(std::string(56, 'a')) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  CHECK(sha256_hex(std::string(64, 'a')) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

TEST_CASE("sha256: a file hashes like its content and a missing file is a failure") {
  simmer::test::TempDir dir;
  std::string content;
  for (int i = 0; i < 200000; ++i) {
    content += static_cast<char>(i * 7);
  }
  simmer::test::spit(dir / "blob", content);
  auto hash = sha256_file_hex(dir / "blob");
  REQUIRE(hash);
  CHECK(*hash == sha256_hex(content));
  auto missing = sha256_file_hex(dir / "nope");
  REQUIRE(!missing);
  CHECK(missing.failure().message == "cannot read " + (dir / "nope").string() + ": No such file or directory");
}
