#include "auth/password.h"

#include <gtest/gtest.h>

namespace dcmms::auth {
namespace {

bool hasMessage(const std::vector<FieldError>& errors, std::string_view needle) {
  for (const auto& e : errors) {
    if (e.message.find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST(Password, HashesWithArgon2idAndVerifies) {
  const std::string h = hashPassword("Correct-Horse-42");
  EXPECT_TRUE(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$")) << h;
  EXPECT_TRUE(verifyPassword("Correct-Horse-42", h));
  EXPECT_FALSE(verifyPassword("Correct-Horse-43", h));
  EXPECT_FALSE(verifyPassword("", h));
  EXPECT_NE(hashPassword("Correct-Horse-42"), h);  // fresh salt each time
  EXPECT_FALSE(needsRehash(h));
}

TEST(Password, RejectsMalformedOrForeignHashes) {
  EXPECT_FALSE(verifyPassword("x", ""));
  EXPECT_FALSE(verifyPassword("x", "$argon2id$garbage"));
  EXPECT_FALSE(verifyPassword("x", "$2b$12$abcdefghijklmnopqrstuv"));  // bcrypt is not accepted
  EXPECT_TRUE(needsRehash("$argon2id$v=19$m=4096,t=1,p=1$c2FsdHNhbHQ$aGFzaA"));
  EXPECT_TRUE(needsRehash("nonsense"));
}

TEST(PasswordPolicy, AcceptsAStrongPassword) {
  EXPECT_TRUE(checkPasswordPolicy("Solar-Panel-2024", "jane.doe@example.com").empty());
  EXPECT_TRUE(checkPasswordPolicy("Wind Turbine 7x", "a@example.com").empty());  // space is a symbol
}

TEST(PasswordPolicy, RejectsTheSpecExamplesOnFieldPassword) {
  const auto shortErrors = checkPasswordPolicy("short1A!", "jane@example.com");
  ASSERT_EQ(shortErrors.size(), 1u);
  EXPECT_EQ(shortErrors[0].field, "password");
  EXPECT_EQ(shortErrors[0].code, "INVALID_FIELD_VALUE");
  EXPECT_TRUE(hasMessage(shortErrors, "12 characters"));

  const auto lowerErrors = checkPasswordPolicy("alllowercase1234!", "jane@example.com");
  ASSERT_EQ(lowerErrors.size(), 1u);
  EXPECT_EQ(lowerErrors[0].field, "password");
  EXPECT_TRUE(hasMessage(lowerErrors, "upper-case"));

  const Error e = passwordPolicyError(lowerErrors);
  EXPECT_EQ(e.httpStatus, 400);
  EXPECT_EQ(e.code, "VALIDATION_ERROR");
  EXPECT_EQ(e.details.at(0).field, "password");
}

TEST(PasswordPolicy, ReportsEveryMissingClass) {
  const auto errors = checkPasswordPolicy("aaaaaaaaaaaaaaaa", "x@y.z");
  EXPECT_EQ(errors.size(), 3u);  // upper, digit, symbol
  EXPECT_TRUE(hasMessage(errors, "upper-case"));
  EXPECT_TRUE(hasMessage(errors, "digit"));
  EXPECT_TRUE(hasMessage(errors, "symbol"));
  EXPECT_TRUE(hasMessage(checkPasswordPolicy("AAAAAAAAAAAA1!", "x@y.z"), "lower-case"));
  EXPECT_TRUE(hasMessage(checkPasswordPolicy(std::string(257, 'a') + "A1!", "x@y.z"), "at most 256"));
}

TEST(PasswordPolicy, CountsCodePointsNotBytes) {
  // 11 code points, 22+ bytes: still too short.
  EXPECT_TRUE(hasMessage(checkPasswordPolicy("Ää1!äääääää", "x@y.z"), "12 characters"));
}

TEST(PasswordPolicy, RejectsTheEmailLocalPart) {
  EXPECT_TRUE(hasMessage(checkPasswordPolicy("Xx-JaneDoe-2024", "janedoe@example.com"), "e-mail"));
  EXPECT_TRUE(checkPasswordPolicy("Xx-JaneDoe-2024", "bob@example.com").empty());
  EXPECT_TRUE(checkPasswordPolicy("Abcdefgh-123", "ab@example.com").empty());  // too short to matter
}

TEST(PasswordHistory, MatchesOnlyTheLastFive) {
  std::vector<std::string> history;
  for (int i = 6; i >= 1; --i) history.push_back(hashPassword("Password-" + std::to_string(i) + "!"));
  // history[0] is the newest ("Password-6!"), history[5] the sixth newest ("Password-1!").
  EXPECT_TRUE(inHistory("Password-6!", history));
  EXPECT_TRUE(inHistory("Password-2!", history));
  EXPECT_FALSE(inHistory("Password-1!", history));
  EXPECT_FALSE(inHistory("Password-7!", history));
  EXPECT_FALSE(inHistory("Password-6!", {}));
  EXPECT_EQ(passwordReusedDetail().field, "password");
}

}  // namespace
}  // namespace dcmms::auth
