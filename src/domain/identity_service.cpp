#include "domain/identity_service.h"

#include <algorithm>
#include <cctype>

#include "auth/api_key.h"
#include "auth/crypto.h"
#include "auth/jwt.h"
#include "auth/password.h"
#include "auth/policy.h"
#include "auth/totp.h"
#include "core/ids.h"
#include "core/json_util.h"
#include "core/log.h"
#include "core/time_format.h"
#include "domain/access.h"
#include "domain/descriptors.h"
#include "domain/entity_store.h"

namespace dcmms::domain {

namespace {

constexpr int64_t kRefreshTtlMs = 7LL * 24 * 3600 * 1000;
constexpr int64_t kLockoutMs = 30LL * 60 * 1000;
constexpr int kMaxFailures = 5;
constexpr int kMaxSessions = 3;
constexpr int64_t kChallengeTtlMs = 5 * 60 * 1000;
constexpr int64_t kCacheTtlMs = 2000;  // user auth state and revocations are re-read this often
constexpr size_t kPasswordHistory = 5;

[[noreturn]] void unauthorized(const char* code, std::string message) {
  fail(Error{401, code, std::move(message), {}});
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return std::tolower(ch); });
  return s;
}

json::array toArray(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.push_back(json::value(s));
  return a;
}

std::vector<std::string> parseStringArray(std::string_view text) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (!ec && v.is_array())
    for (const auto& e : v.get_array())
      if (e.is_string()) out.emplace_back(e.get_string());
  return out;
}

json::object publicUser(const json::object& doc, const std::string& tenantId) {
  json::object u;
  for (const char* k : {"userId", "email", "name", "firstName", "lastName", "role", "siteIds", "skills", "status",
                        "employmentType", "mfaEnabled"})
    if (auto* v = doc.if_contains(k)) u[k] = *v;
  u["tenantId"] = tenantId;
  return u;
}

}  // namespace

IdentityService::IdentityService(store::Database& db, const AuditLog& audit, const auth::KeyPair& keys,
                                 const Clock& clock, std::string keyEnv)
    : db_(db), audit_(audit), keys_(keys), clock_(clock), verifier_(keys, clock), keyEnv_(std::move(keyEnv)),
      challengeKey_(auth::sha256(keys.privatePem() + "|mfa-challenge")) {}

RequestContext IdentityService::systemCtx(const std::string& tenantId, const std::string& userId,
                                          const ClientInfo& client) const {
  RequestContext ctx;
  ctx.principal.tenantId = tenantId;
  ctx.principal.userId = userId;
  ctx.principal.role = auth::Role::SystemAdministrator;
  ctx.requestId = client.requestId;
  ctx.ip = client.ip;
  ctx.now = clock_.nowMs();
  return ctx;
}

void IdentityService::recordAuth(store::SqlConnection& c, const std::string& tenantId, const std::string& userId,
                                 const ClientInfo& client, const std::string& action, const std::string& reason) {
  json::object after{{"userAgent", client.userAgent}, {"ip", client.ip}};
  audit_.recordFor(c, tenantId, userId, client.requestId, client.ip, clock_.nowMs(),
                   {"auth", userId, action, "", "", reason, "", toJson(after)});
}

std::string IdentityService::createTenant(const std::string& name, const std::string& id) {
  const std::string tid = id.empty() ? "T-" + newUuid().substr(0, 8) : id;
  db_.connection().exec("INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)", {tid, name, clock_.nowMs()});
  return tid;
}

json::object IdentityService::createUser(const NewUser& u) {
  auto policy = auth::checkPasswordPolicy(u.password, u.email);
  if (!policy.empty()) {
    Error e = auth::passwordPolicyError(std::move(policy));
    e.httpStatus = 422;
    fail(e);
  }
  auto& c = db_.connection();
  if (!c.queryInt("SELECT 1 FROM tenants WHERE id = ?", {u.tenantId}))
    fail(Error::business("RELATED_RESOURCE_NOT_FOUND", "Tenant '" + u.tenantId + "' does not exist",
                         {{"tenantId", "unknown tenant", "RELATED_RESOURCE_NOT_FOUND"}}));
  json::object body{{"email", u.email}, {"role", u.role}, {"siteIds", toArray(u.siteIds)}, {"skills", toArray(u.skills)}};
  if (!u.name.empty()) body["name"] = u.name;
  EventBus bus;
  UserService users(db_, audit_, bus);
  RequestContext ctx = systemCtx(u.tenantId, "system", {});
  store::Transaction tx(c);
  json::object doc = users.create(ctx, body);
  const std::string userId = str(doc, "userId");
  c.exec("UPDATE users SET password_hash = ?, password_changed_at = ?, must_change_password = ? WHERE tenant_id = ? AND id = ?",
         {auth::hashPassword(u.password), ctx.now, static_cast<int64_t>(u.mustChangePassword), u.tenantId, userId});
  tx.commit();
  return doc;
}

std::string IdentityService::accessToken(const json::object& userDoc, const std::string& tenantId, bool mfa) {
  auth::jwt::Claims cl = auth::jwt::newAccessClaims(clock_.nowMs() / 1000);
  cl.sub = str(userDoc, "userId");
  cl.tenantId = tenantId;
  cl.role = str(userDoc, "role");
  cl.siteIds = strings(userDoc, "siteIds");
  cl.skills = strings(userDoc, "skills");
  cl.employmentType = str(userDoc, "employmentType");
  cl.mfa = mfa;
  return auth::jwt::sign(cl, keys_);
}

json::object IdentityService::issueTokens(store::SqlConnection& c, const std::string& tenantId,
                                          const std::string& userId, bool mfa, const std::string& familyId) {
  const int64_t now = clock_.nowMs();
  auto docText = c.queryString("SELECT doc FROM users WHERE tenant_id = ? AND id = ?", {tenantId, userId});
  json::object doc = json::parse(*docText).as_object();
  const std::string refresh = "rt_" + auth::randomToken(32);
  const std::string family = familyId.empty() ? newUuid() : familyId;
  c.exec("INSERT INTO refresh_tokens (token_hash, family_id, user_id, tenant_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
         {auth::sha256Hex(refresh), family, userId, tenantId, now, now + kRefreshTtlMs});
  if (familyId.empty()) {
    // At most 3 concurrent sessions: the oldest families beyond that are revoked.
    auto families = c.queryAll(
        "SELECT family_id, MIN(created_at) AS started FROM refresh_tokens WHERE user_id = ? AND revoked_at IS NULL AND "
        "expires_at > ? GROUP BY family_id ORDER BY started DESC",
        {userId, now}, [](const store::Row& r) { return r.getString(0); });
    for (size_t i = kMaxSessions; i < families.size(); ++i)
      c.exec("UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL", {now, families[i]});
  }
  json::object out;
  out["accessToken"] = accessToken(doc, tenantId, mfa);
  out["refreshToken"] = refresh;
  out["expiresIn"] = auth::jwt::kAccessTokenTtlSec;
  out["tokenType"] = "Bearer";
  out["user"] = publicUser(doc, tenantId);
  return out;
}

std::string IdentityService::challengeFor(const std::string& tenantId, const std::string& userId) {
  const std::string payload = tenantId + "|" + userId + "|" + std::to_string(clock_.nowMs() + kChallengeTtlMs);
  return auth::base64UrlEncode(payload) + "." + auth::base64UrlEncode(auth::hmacSha256(challengeKey_, payload));
}

std::optional<std::pair<std::string, std::string>> IdentityService::checkChallenge(const std::string& token) {
  auto dot = token.find('.');
  if (dot == std::string::npos) return std::nullopt;
  auto payload = auth::base64UrlDecode(token.substr(0, dot));
  auto mac = auth::base64UrlDecode(token.substr(dot + 1));
  if (!payload || !mac || !auth::constantTimeEquals(*mac, auth::hmacSha256(challengeKey_, *payload))) return std::nullopt;
  auto p1 = payload->find('|'), p2 = payload->rfind('|');
  if (p1 == std::string::npos || p2 == p1) return std::nullopt;
  if (std::stoll(payload->substr(p2 + 1)) < clock_.nowMs()) return std::nullopt;
  return std::make_pair(payload->substr(0, p1), payload->substr(p1 + 1, p2 - p1 - 1));
}

json::object IdentityService::login(const std::string& emailIn, const std::string& password, const ClientInfo& client) {
  const std::string email = lower(emailIn);
  auto& c = db_.connection();
  struct Row {
    std::string tenant, id, status, hash, role;
    int64_t failures, lockedUntil, mfa, mustChange;
  };
  auto row = c.queryOne(
      "SELECT tenant_id, id, status, password_hash, failed_logins, locked_until, mfa_enabled, role, must_change_password "
      "FROM users WHERE email = ? AND deleted_at IS NULL",
      {email}, [](const store::Row& r) {
        return Row{r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(7),
                   r.getInt(4),    r.getInt(5),    r.getInt(6),    r.getInt(8)};
      });
  const int64_t now = clock_.nowMs();
  if (!row) {
    auth::verifyPassword(password, "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$"
                                   "5q6M4xM5m9b+3GzKNvQ6hR1d7yM0kYtC1pJ1GmZlV9o");  // equal timing
    log::info("login failed", {{"reason", "unknown-email"}, {"requestId", client.requestId}, {"ip", client.ip}});
    unauthorized("AUTH_INVALID_CREDENTIALS", "Email or password is incorrect");
  }
  if (row->lockedUntil > now) {
    store::Transaction tx(c);
    recordAuth(c, row->tenant, row->id, client, "login-failed", "locked");
    tx.commit();
    fail(Error{401, "AUTH_ACCOUNT_LOCKED",
               "Account locked after repeated failures until " + formatIso8601(row->lockedUntil), {}});
  }
  if (row->status != "active") unauthorized("AUTH_ACCOUNT_DISABLED", "Account is not active");
  if (row->hash.empty() || !auth::verifyPassword(password, row->hash)) {
    store::Transaction tx(c);
    const int64_t failures = row->failures + 1;
    if (failures >= kMaxFailures) {
      c.exec("UPDATE users SET failed_logins = 0, locked_until = ? WHERE tenant_id = ? AND id = ?",
             {now + kLockoutMs, row->tenant, row->id});
      recordAuth(c, row->tenant, row->id, client, "lockout", "5 failed logins");
    } else {
      c.exec("UPDATE users SET failed_logins = ? WHERE tenant_id = ? AND id = ?", {failures, row->tenant, row->id});
    }
    recordAuth(c, row->tenant, row->id, client, "login-failed", "bad-password");
    tx.commit();
    unauthorized("AUTH_INVALID_CREDENTIALS", "Email or password is incorrect");
  }
  store::Transaction tx(c);
  c.exec("UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ? WHERE tenant_id = ? AND id = ?",
         {now, row->tenant, row->id});
  json::object out;
  if (row->mfa) {
    out["mfaRequired"] = true;
    out["challengeToken"] = challengeFor(row->tenant, row->id);
    recordAuth(c, row->tenant, row->id, client, "login-mfa-challenge", "");
  } else {
    out = issueTokens(c, row->tenant, row->id, false, "");
    auto role = auth::parseRole(row->role);
    if (role && auth::requiresMfa(*role)) out["mfaEnrollmentRequired"] = true;
    if (row->mustChange) out["passwordChangeRequired"] = true;
    recordAuth(c, row->tenant, row->id, client, "login", "");
  }
  tx.commit();
  return out;
}

json::object IdentityService::verifyMfa(const std::string& challengeToken, const std::string& code,
                                        const ClientInfo& client) {
  auto who = checkChallenge(challengeToken);
  if (!who) unauthorized("AUTH_INVALID_TOKEN", "MFA challenge is invalid or expired; log in again");
  const auto& [tenant, userId] = *who;
  auto& c = db_.connection();
  store::Transaction tx(c);
  struct Row {
    std::string secret, codes;
    int64_t lastStep, lockedUntil;
  };
  auto row = c.queryOne("SELECT mfa_secret, backup_codes, last_totp_step, locked_until FROM users WHERE tenant_id = ? AND id = ?",
                        {tenant, userId}, [](const store::Row& r) {
                          return Row{r.getString(0), r.getString(1), r.getInt(2), r.getInt(3)};
                        });
  const int64_t now = clock_.nowMs();
  if (!row || row->secret.empty()) unauthorized("AUTH_INVALID_TOKEN", "MFA is not enrolled");
  if (row->lockedUntil > now) unauthorized("AUTH_ACCOUNT_LOCKED", "Account locked");
  bool ok = false;
  bool backup = false;
  if (code.size() == 6 && std::all_of(code.begin(), code.end(), ::isdigit)) {
    auto step = auth::totp::verify(row->secret, code, now / 1000, 1);
    // A step already used cannot be replayed.
    if (step && *step > row->lastStep) {
      ok = true;
      c.exec("UPDATE users SET last_totp_step = ? WHERE tenant_id = ? AND id = ?", {*step, tenant, userId});
    }
  } else {
    auto codes = parseStringArray(row->codes);
    const std::string h = auth::totp::hashBackupCode(code);
    auto it = std::find(codes.begin(), codes.end(), h);
    if (it != codes.end()) {
      codes.erase(it);
      c.exec("UPDATE users SET backup_codes = ? WHERE tenant_id = ? AND id = ?", {toJson(toArray(codes)), tenant, userId});
      ok = backup = true;
    }
  }
  if (!ok) {
    recordAuth(c, tenant, userId, client, "mfa-failed", "bad-code");
    tx.commit();
    unauthorized("AUTH_MFA_INVALID_CODE", "The MFA code is invalid or expired");
  }
  json::object out = issueTokens(c, tenant, userId, true, "");
  recordAuth(c, tenant, userId, client, "login", backup ? "mfa-backup-code" : "mfa-totp");
  tx.commit();
  return out;
}

json::object IdentityService::enrollMfa(const RequestContext& ctx, const json::object& body) {
  Validator().check(body, {{"code", Kind::String, false, 6, 6}}).throwIfErrors();
  auto& c = db_.connection();
  store::Transaction tx(c);
  json::object out;
  if (!body.contains("code")) {
    const std::string secret = auth::totp::generateSecret();
    auto codes = auth::totp::generateBackupCodes();
    std::vector<std::string> hashes;
    for (const auto& b : codes) hashes.push_back(auth::totp::hashBackupCode(b));
    auto email = c.queryString("SELECT email FROM users WHERE tenant_id = ? AND id = ?", {ctx.tenantId(), ctx.userId()});
    c.exec("UPDATE users SET mfa_pending_secret = ?, backup_codes = ? WHERE tenant_id = ? AND id = ?",
           {secret, toJson(toArray(hashes)), ctx.tenantId(), ctx.userId()});
    out["secret"] = secret;
    out["otpauthUrl"] = auth::totp::provisioningUri("dCMMS", email.value_or(ctx.userId()), secret);
    out["backupCodes"] = toArray(codes);
    out["enabled"] = false;
    audit_.record(c, ctx, {"auth", ctx.userId(), "mfa-enroll-started", "", "", "", "", ""});
  } else {
    auto pending = c.queryString("SELECT mfa_pending_secret FROM users WHERE tenant_id = ? AND id = ?",
                                 {ctx.tenantId(), ctx.userId()});
    if (!pending || pending->empty())
      fail(Error::business("VALIDATION_ERROR", "Start enrolment first (POST without a code)",
                           {{"code", "no enrolment in progress", "INVALID_FIELD_VALUE"}}));
    auto step = auth::totp::verify(*pending, str(body, "code"), ctx.now / 1000, 1);
    if (!step)
      fail(Error::business("VALIDATION_ERROR", "The code does not match the new secret",
                           {{"code", "invalid TOTP code", "INVALID_FIELD_VALUE"}}));
    c.exec("UPDATE users SET mfa_enabled = 1, mfa_secret = mfa_pending_secret, mfa_pending_secret = NULL, "
           "last_totp_step = ? WHERE tenant_id = ? AND id = ?",
           {*step, ctx.tenantId(), ctx.userId()});
    EntityStore users(userDescriptor(), audit_);
    Loaded l = users.load(c, ctx.tenantId(), ctx.userId());
    json::object doc = l.doc;
    doc["mfaEnabled"] = true;
    users.save(c, ctx, ctx.userId(), l, std::move(doc), {"", "", "mfa-enabled"});
    out["enabled"] = true;
  }
  tx.commit();
  return out;
}

void IdentityService::resetMfa(const RequestContext& ctx, const std::string& userId) {
  requirePermission(ctx, "manage:users");
  auto& c = db_.connection();
  store::Transaction tx(c);
  EntityStore users(userDescriptor(), audit_);
  Loaded l = users.load(c, ctx.tenantId(), userId);
  c.exec("UPDATE users SET mfa_enabled = 0, mfa_secret = NULL, mfa_pending_secret = NULL, backup_codes = '[]' "
         "WHERE tenant_id = ? AND id = ?",
         {ctx.tenantId(), userId});
  json::object doc = l.doc;
  doc["mfaEnabled"] = false;
  users.save(c, ctx, userId, l, std::move(doc), {"", "", "mfa-reset"});
  tx.commit();
}

json::object IdentityService::refresh(const std::string& token, const ClientInfo& client) {
  auto& c = db_.connection();
  store::Transaction tx(c);
  struct Row {
    std::string family, user, tenant;
    int64_t expires;
    bool used, revoked;
  };
  auto row = c.queryOne("SELECT family_id, user_id, tenant_id, expires_at, used_at, revoked_at FROM refresh_tokens WHERE token_hash = ?",
                        {auth::sha256Hex(token)}, [](const store::Row& r) {
                          return Row{r.getString(0), r.getString(1), r.getString(2), r.getInt(3), !r.isNull(4), !r.isNull(5)};
                        });
  const int64_t now = clock_.nowMs();
  if (!row) unauthorized("AUTH_INVALID_TOKEN", "Unknown refresh token");
  if (row->used || row->revoked) {
    // Re-use of a spent token means it leaked: revoke the whole family (01 §4).
    c.exec("UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL", {now, row->family});
    recordAuth(c, row->tenant, row->user, client, "refresh-reuse", "family revoked");
    tx.commit();
    unauthorized("AUTH_REVOKED_TOKEN", "Refresh token was already used or revoked; the session is revoked");
  }
  if (row->expires <= now) unauthorized("AUTH_EXPIRED_TOKEN", "Refresh token expired; log in again");
  auto user = userAuth(row->tenant, row->user);
  if (user.status != "active") unauthorized("AUTH_ACCOUNT_DISABLED", "Account is not active");
  c.exec("UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ?", {now, auth::sha256Hex(token)});
  json::object out = issueTokens(c, row->tenant, row->user, false, row->family);
  out.erase("user");
  recordAuth(c, row->tenant, row->user, client, "refresh", "");
  tx.commit();
  return out;
}

void IdentityService::logout(const RequestContext& ctx, const std::string& refreshToken) {
  auto& c = db_.connection();
  store::Transaction tx(c);
  if (!refreshToken.empty()) {
    auto family = c.queryString("SELECT family_id FROM refresh_tokens WHERE token_hash = ? AND user_id = ?",
                                {auth::sha256Hex(refreshToken), ctx.userId()});
    if (!family) unauthorized("AUTH_INVALID_TOKEN", "Unknown refresh token");
    c.exec("UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL", {ctx.now, *family});
  } else {
    c.exec("UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", {ctx.now, ctx.userId()});
  }
  audit_.record(c, ctx, {"auth", ctx.userId(), "logout", "", "", "", "", ""});
  tx.commit();
}

void IdentityService::revoke(const RequestContext& ctx, const std::string& token, bool revokeAll) {
  auto& c = db_.connection();
  store::Transaction tx(c);
  std::string target = ctx.userId();
  if (!token.empty()) {
    if (token.rfind("rt_", 0) == 0) {
      auto row = c.queryOne("SELECT family_id, user_id FROM refresh_tokens WHERE token_hash = ?", {auth::sha256Hex(token)},
                            [](const store::Row& r) { return std::make_pair(r.getString(0), r.getString(1)); });
      if (!row) unauthorized("AUTH_INVALID_TOKEN", "Unknown token");
      target = row->second;
      if (target != ctx.userId()) requirePermission(ctx, "manage:users");
      c.exec("UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL", {ctx.now, row->first});
    } else {
      auto claims = auth::jwt::verifySignature(token, keys_);
      if (!claims.ok()) fail(claims.error());
      target = claims->sub;
      if (target != ctx.userId() || claims->tenantId != ctx.tenantId()) requirePermission(ctx, "manage:users");
      c.exec("INSERT INTO revoked_tokens (jti, expires_at) VALUES (?, ?) ON CONFLICT (jti) DO NOTHING",
             {claims->jti, claims->exp * 1000});
      std::lock_guard lock(cacheMu_);
      revokedJtis_.insert(claims->jti);
    }
  }
  if (revokeAll) {
    c.exec("UPDATE users SET tokens_valid_after = ? WHERE tenant_id = ? AND id = ?", {ctx.now, ctx.tenantId(), target});
    c.exec("UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", {ctx.now, target});
    forgetUser(target);
  }
  audit_.record(c, ctx, {"auth", target, revokeAll ? "revoke-all" : "revoke", "", "", "", "", ""});
  tx.commit();
}

void IdentityService::changePassword(const RequestContext& ctx, const json::object& body,
                                             const ClientInfo& client) {
  Validator v;
  v.check(body, {{"currentPassword", Kind::String, true, 1, 1024}, {"password", Kind::String, false, 1, 1024},
                 {"newPassword", Kind::String, false, 1, 1024}});
  v.throwIfErrors();
  const std::string next = body.contains("password") ? str(body, "password") : str(body, "newPassword");
  if (next.empty())
    fail(Error{400, "VALIDATION_ERROR", "Request validation failed", {{"password", "is required", "MISSING_REQUIRED_FIELD"}}});
  auto& c = db_.connection();
  store::Transaction tx(c);
  struct Row {
    std::string hash, history, email;
  };
  auto row = c.queryOne("SELECT password_hash, password_history, email FROM users WHERE tenant_id = ? AND id = ?",
                        {ctx.tenantId(), ctx.userId()},
                        [](const store::Row& r) { return Row{r.getString(0), r.getString(1), r.getString(2)}; });
  if (!row) unauthorized("AUTH_INVALID_TOKEN", "Unknown user");
  if (!auth::verifyPassword(str(body, "currentPassword"), row->hash))
    fail(Error::business("VALIDATION_ERROR", "Current password is incorrect",
                         {{"currentPassword", "is incorrect", "INVALID_FIELD_VALUE"}}));
  auto policy = auth::checkPasswordPolicy(next, row->email);
  if (!policy.empty()) {
    Error e = auth::passwordPolicyError(std::move(policy));
    e.httpStatus = 422;
    fail(e);
  }
  // The current password and the four before it may not be reused (history of 5).
  std::vector<std::string> history = parseStringArray(row->history);
  history.insert(history.begin(), row->hash);
  if (history.size() > kPasswordHistory) history.resize(kPasswordHistory);
  if (auth::inHistory(next, history)) {
    Error e = auth::passwordPolicyError({auth::passwordReusedDetail()});
    e.httpStatus = 422;
    fail(e);
  }
  c.exec("UPDATE users SET password_hash = ?, password_history = ?, password_changed_at = ?, must_change_password = 0, "
         "tokens_valid_after = ? WHERE tenant_id = ? AND id = ?",
         {auth::hashPassword(next), toJson(toArray(history)), ctx.now, ctx.now, ctx.tenantId(), ctx.userId()});
  c.exec("UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", {ctx.now, ctx.userId()});
  forgetUser(ctx.userId());
  recordAuth(c, ctx.tenantId(), ctx.userId(), client, "password-change", "");
  // Every session ends, this one included: the client logs in again with the new password.
  tx.commit();
}

// ---- API keys --------------------------------------------------------------------------------

json::object IdentityService::createApiKey(const RequestContext& ctx, const json::object& body) {
  Validator().check(body, {{"name", Kind::String, true, 1, 200},
                           {"scopes", Kind::StringArray},
                           {"env", Kind::String, false, 1, 16},
                           {"expiresInDays", Kind::Integer, false, 0, 0, {}, 1, 3650}})
      .throwIfErrors();
  requirePermission(ctx, "create:api-keys");
  if (ctx.viaApiKey) fail(Error::forbidden("API keys cannot create API keys"));
  auto gen = auth::generateApiKey(body.contains("env") ? str(body, "env") : keyEnv_);
  if (!gen.ok()) fail(gen.error());
  auto scopes = strings(body, "scopes");
  // A key never grants more than its owner holds.
  for (const auto& s : scopes)
    if (s.find('*') == std::string::npos && !hasPermission(ctx, s))
      fail(Error::business("VALIDATION_ERROR", "You do not hold permission " + s,
                           {{"scopes", "'" + s + "' exceeds your permissions", "INVALID_FIELD_VALUE"}}));
  const std::string id = "KEY-" + newUuid().substr(0, 12);
  const int64_t expires = body.contains("expiresInDays") ? ctx.now + body.at("expiresInDays").to_number<int64_t>() * 86400000
                                                         : ctx.now + 90LL * 86400000;  // rotate every 90 days
  auto& c = db_.connection();
  store::Transaction tx(c);
  c.exec("INSERT INTO api_keys (id, tenant_id, user_id, name, prefix, key_hash, scopes, created_at, expires_at) "
         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
         {id, ctx.tenantId(), ctx.userId(), str(body, "name"), gen->prefix, gen->hash, toJson(toArray(scopes)), ctx.now, expires});
  audit_.record(c, ctx, {"api-key", id, "create", "", "", "", "",
                         toJson(json::object{{"name", str(body, "name")}, {"prefix", gen->prefix}})});
  tx.commit();
  return json::object{{"apiKeyId", id},          {"name", str(body, "name")}, {"key", gen->key},
                      {"prefix", gen->prefix},    {"scopes", toArray(scopes)}, {"createdAt", formatIso8601(ctx.now)},
                      {"expiresAt", formatIso8601(expires)}};
}

json::array IdentityService::listApiKeys(const RequestContext& ctx) {
  json::array out;
  const bool all = hasPermission(ctx, "manage:users");
  db_.connection().query(
      "SELECT id, name, prefix, scopes, created_at, expires_at, revoked_at, last_used_at, user_id FROM api_keys "
      "WHERE tenant_id = ? ORDER BY created_at DESC",
      {ctx.tenantId()}, [&](const store::Row& r) {
        if (!all && r.getString(8) != ctx.userId()) return;
        json::object k{{"apiKeyId", r.getString(0)},
                       {"name", r.getString(1)},
                       {"prefix", r.getString(2)},
                       {"scopes", json::parse(r.text(3))},
                       {"userId", r.getString(8)},
                       {"createdAt", formatIso8601(r.getInt(4))}};
        k["expiresAt"] = r.isNull(5) ? json::value() : json::value(formatIso8601(r.getInt(5)));
        k["revokedAt"] = r.isNull(6) ? json::value() : json::value(formatIso8601(r.getInt(6)));
        k["lastUsedAt"] = r.isNull(7) ? json::value() : json::value(formatIso8601(r.getInt(7)));
        out.push_back(std::move(k));
      });
  return out;
}

void IdentityService::revokeApiKey(const RequestContext& ctx, const std::string& id) {
  auto& c = db_.connection();
  store::Transaction tx(c);
  auto owner = c.queryString("SELECT user_id FROM api_keys WHERE id = ? AND tenant_id = ?", {id, ctx.tenantId()});
  if (!owner) fail(Error::notFound("API key '" + id + "'"));
  if (*owner != ctx.userId()) requirePermission(ctx, "manage:users");
  c.exec("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", {ctx.now, id});
  audit_.record(c, ctx, {"api-key", id, "revoke", "", "", "", "", ""});
  tx.commit();
  std::lock_guard lock(cacheMu_);
  keyCache_.clear();
}

json::object IdentityService::rotateApiKey(const RequestContext& ctx, const std::string& id) {
  auto& c = db_.connection();
  struct Row {
    std::string owner, name, scopes;
  };
  auto row = c.queryOne("SELECT user_id, name, scopes FROM api_keys WHERE id = ? AND tenant_id = ? AND revoked_at IS NULL",
                        {id, ctx.tenantId()},
                        [](const store::Row& r) { return Row{r.getString(0), r.getString(1), r.getString(2)}; });
  if (!row) fail(Error::notFound("API key '" + id + "'"));
  if (row->owner != ctx.userId()) fail(Error::forbidden("Only the owner rotates a key"));
  json::object body{{"name", row->name}, {"scopes", json::parse(row->scopes)}};
  json::object fresh = createApiKey(ctx, body);
  // The old key keeps working for 48 h so deployments can switch over (01 §4).
  c.exec("UPDATE api_keys SET expires_at = ? WHERE id = ?", {ctx.now + 48LL * 3600 * 1000, id});
  std::lock_guard lock(cacheMu_);
  keyCache_.clear();
  return fresh;
}

// ---- per-request authentication ---------------------------------------------------------------

IdentityService::UserAuth IdentityService::userAuth(const std::string& tenantId, const std::string& userId) {
  const int64_t now = clock_.nowMs();
  {
    std::lock_guard lock(cacheMu_);
    auto it = userCache_.find(userId);
    if (it != userCache_.end() && now - it->second.loadedAtMs < kCacheTtlMs && now >= it->second.loadedAtMs)
      return it->second;
  }
  UserAuth ua;
  ua.loadedAtMs = now;
  db_.connection().query("SELECT status, tokens_valid_after, doc FROM users WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
                         {tenantId, userId}, [&](const store::Row& r) {
                           ua.status = r.getString(0);
                           ua.tokensValidAfterSec = (r.getInt(1) + 999) / 1000;
                           json::value doc = json::parse(r.text(2));
                           if (auto t = parseIso8601(str(doc.as_object(), "contractStart"))) ua.contractStartMs = *t;
                           if (auto t = parseIso8601(str(doc.as_object(), "contractEnd"))) ua.contractEndMs = *t;
                         });
  if (ua.status.empty()) ua.status = "missing";
  std::lock_guard lock(cacheMu_);
  if (userCache_.size() > 100000) userCache_.clear();
  userCache_[userId] = ua;
  return ua;
}

void IdentityService::forgetUser(const std::string& userId) {
  std::lock_guard lock(cacheMu_);
  userCache_.erase(userId);
}

bool IdentityService::isRevoked(const std::string& jti) {
  const int64_t now = clock_.nowMs();
  {
    std::lock_guard lock(cacheMu_);
    if (revokedLoadedAtMs_ >= 0 && now - revokedLoadedAtMs_ < kCacheTtlMs && now >= revokedLoadedAtMs_)
      return revokedJtis_.count(jti) > 0;
  }
  // Reload the deny-list (other nodes may have revoked tokens) and purge expired entries.
  std::unordered_set<std::string> fresh;
  auto& c = db_.connection();
  c.query("SELECT jti FROM revoked_tokens WHERE expires_at > ?", {now}, [&](const store::Row& r) { fresh.insert(r.getString(0)); });
  std::lock_guard lock(cacheMu_);
  for (const auto& j : revokedJtis_) fresh.insert(j);  // keep local revocations not yet visible
  revokedJtis_ = std::move(fresh);
  revokedLoadedAtMs_ = now;
  return revokedJtis_.count(jti) > 0;
}

auth::Principal IdentityService::authenticateBearer(std::string_view token, std::string* jtiOut) {
  auto verified = verifier_.verify(token);
  if (!verified.ok()) fail(verified.error());
  const auth::jwt::Claims& cl = *verified.value();
  if (isRevoked(cl.jti)) unauthorized("AUTH_REVOKED_TOKEN", "This token has been revoked");
  auto p = auth::principalFromClaims(cl);
  if (!p) unauthorized("AUTH_INVALID_TOKEN", "Token names an unknown role");
  UserAuth ua = userAuth(cl.tenantId, cl.sub);
  if (ua.status != "active") unauthorized("AUTH_REVOKED_TOKEN", "The account is not active");
  if (cl.iat < ua.tokensValidAfterSec) unauthorized("AUTH_REVOKED_TOKEN", "This token has been revoked");
  p->contractStartMs = ua.contractStartMs;
  p->contractEndMs = ua.contractEndMs;
  if (jtiOut) *jtiOut = cl.jti;
  return *p;
}

auth::Principal IdentityService::authenticateApiKey(std::string_view key, std::vector<std::string>& scopes) {
  if (!auth::looksLikeApiKey(key)) unauthorized("AUTH_INVALID_TOKEN", "Malformed API key");
  const std::string hash = auth::hashApiKey(key);
  const int64_t now = clock_.nowMs();
  {
    std::lock_guard lock(cacheMu_);
    auto it = keyCache_.find(hash);
    if (it != keyCache_.end() && now - it->second.loadedAtMs < kCacheTtlMs && now >= it->second.loadedAtMs) {
      if (it->second.expiresAt && it->second.expiresAt <= now) unauthorized("AUTH_EXPIRED_TOKEN", "API key expired");
      scopes = it->second.scopes;
      return it->second.principal;
    }
  }
  auto& c = db_.connection();
  struct Row {
    std::string id, tenant, user, scopes;
    int64_t expires;
    bool revoked;
  };
  auto row = c.queryOne("SELECT id, tenant_id, user_id, scopes, expires_at, revoked_at FROM api_keys WHERE key_hash = ?", {hash},
                        [](const store::Row& r) {
                          return Row{r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getInt(4), !r.isNull(5)};
                        });
  if (!row) unauthorized("AUTH_INVALID_TOKEN", "Unknown API key");
  if (row->revoked) unauthorized("AUTH_REVOKED_TOKEN", "API key revoked");
  if (row->expires && row->expires <= now) unauthorized("AUTH_EXPIRED_TOKEN", "API key expired");
  auto doc = c.queryString("SELECT doc FROM users WHERE tenant_id = ? AND id = ? AND status = 'active' AND deleted_at IS NULL",
                           {row->tenant, row->user});
  if (!doc) unauthorized("AUTH_REVOKED_TOKEN", "The key's owner is not active");
  json::object u = json::parse(*doc).as_object();
  auth::Principal p;
  p.userId = row->user;
  p.tenantId = row->tenant;
  auto role = auth::parseRole(str(u, "role"));
  if (!role) unauthorized("AUTH_INVALID_TOKEN", "Unknown role");
  p.role = *role;
  p.siteIds = strings(u, "siteIds");
  p.skills = strings(u, "skills");
  p.employmentType = str(u, "employmentType");
  scopes = parseStringArray(row->scopes);
  c.exec("UPDATE api_keys SET last_used_at = ? WHERE id = ?", {now, row->id});
  std::lock_guard lock(cacheMu_);
  if (keyCache_.size() > 10000) keyCache_.clear();
  keyCache_[hash] = {p, scopes, row->expires, now};
  return p;
}

}  // namespace dcmms::domain
