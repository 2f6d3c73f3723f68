// Identity: password login with lockout, TOTP MFA with backup codes, access tokens (RS256)
// and rotating refresh tokens with family revocation, logout/revoke, password changes with
// history, API keys, and per-request authentication of bearer tokens and API keys.
#pragma once

#include <boost/json.hpp>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "auth/keys.h"
#include "auth/token_verifier.h"
#include "core/clock.h"
#include "domain/audit.h"
#include "domain/catalog_services.h"
#include "domain/context.h"
#include "store/sql.h"

namespace dcmms::domain {

struct NewUser {
  std::string tenantId = "default";
  std::string email;
  std::string password;
  std::string role;
  std::vector<std::string> siteIds;
  std::vector<std::string> skills;
  std::string name;
  bool mustChangePassword = false;
};

struct ClientInfo {
  std::string ip;
  std::string userAgent;
  std::string requestId;
};

class IdentityService {
 public:
  IdentityService(store::Database& db, const AuditLog& audit, const auth::KeyPair& keys, const Clock& clock,
                  std::string keyEnv = "live");

  // Creates a user with a password (CLI, seeding, admin API). Enforces the password policy.
  json::object createUser(const NewUser& u);
  std::string createTenant(const std::string& name, const std::string& id = {});

  json::object login(const std::string& email, const std::string& password, const ClientInfo& client);
  json::object verifyMfa(const std::string& challengeToken, const std::string& code, const ClientInfo& client);
  json::object enrollMfa(const RequestContext& ctx, const json::object& body);
  json::object refresh(const std::string& refreshToken, const ClientInfo& client);
  void logout(const RequestContext& ctx, const std::string& refreshToken);
  void revoke(const RequestContext& ctx, const std::string& token, bool revokeAll);
  void changePassword(const RequestContext& ctx, const json::object& body, const ClientInfo& client);
  // Admin: sets a user's password (forcing a change at next login) and clears lockout/MFA on request.
  void resetMfa(const RequestContext& ctx, const std::string& userId);

  json::object createApiKey(const RequestContext& ctx, const json::object& body);
  json::array listApiKeys(const RequestContext& ctx);
  void revokeApiKey(const RequestContext& ctx, const std::string& id);
  json::object rotateApiKey(const RequestContext& ctx, const std::string& id);

  // Per request. Errors are 401 with the AUTH_* codes of 01 §3.
  auth::Principal authenticateBearer(std::string_view token, std::string* jtiOut = nullptr);
  auth::Principal authenticateApiKey(std::string_view key, std::vector<std::string>& scopes);

 private:
  struct UserAuth {  // cached per user for request authentication
    std::string status;
    int64_t tokensValidAfterSec = 0;
    int64_t contractStartMs = 0, contractEndMs = 0;
    int64_t loadedAtMs = 0;
  };
  json::object issueTokens(store::SqlConnection& c, const std::string& tenantId, const std::string& userId,
                           bool mfa, const std::string& familyId);
  std::string accessToken(const json::object& userDoc, const std::string& tenantId, bool mfa);
  std::string challengeFor(const std::string& tenantId, const std::string& userId);
  std::optional<std::pair<std::string, std::string>> checkChallenge(const std::string& token);
  UserAuth userAuth(const std::string& tenantId, const std::string& userId);
  void forgetUser(const std::string& userId);
  bool isRevoked(const std::string& jti);
  void recordAuth(store::SqlConnection& c, const std::string& tenantId, const std::string& userId,
                  const ClientInfo& client, const std::string& action, const std::string& reason);
  RequestContext systemCtx(const std::string& tenantId, const std::string& userId, const ClientInfo& client) const;

  store::Database& db_;
  const AuditLog& audit_;
  const auth::KeyPair& keys_;
  const Clock& clock_;
  auth::TokenVerifier verifier_;
  std::string keyEnv_;
  std::string challengeKey_;

  std::mutex cacheMu_;
  std::unordered_map<std::string, UserAuth> userCache_;
  std::unordered_set<std::string> revokedJtis_;
  int64_t revokedLoadedAtMs_ = -1;
  struct KeyEntry {
    auth::Principal principal;
    std::vector<std::string> scopes;
    int64_t expiresAt = 0;
    int64_t loadedAtMs = 0;
  };
  std::unordered_map<std::string, KeyEntry> keyCache_;  // by key hash
};

}  // namespace dcmms::domain
