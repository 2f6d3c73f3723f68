#include "api/routes.h"
#include "core/json_util.h"
#include "domain/validate.h"

namespace dcmms::api {

namespace {

domain::ClientInfo client(const ApiCall& call) {
  return {call.req.remoteIp, std::string(call.req.header("User-Agent")), call.req.requestId};
}

}  // namespace

void registerAuthRoutes(ApiRoutes& r) {
  const std::string base = "/api/v1/auth";
  r.add("POST", base + "/login", {"Log in with email and password", "auth", false, "Login", "Tokens"},
        [](ApiCall& call) {
          auto body = call.body();
          domain::Validator()
              .check(body, {{"email", domain::Kind::String, true, 1, 254}, {"password", domain::Kind::String, true, 1, 1024}})
              .throwIfErrors();
          return dataResponse(call, call.app.identity.login(domain::str(body, "email"), domain::str(body, "password"), client(call)));
        },
        {false, RateClass::Login, false, false});
  r.add("POST", base + "/mfa/verify", {"Complete an MFA login", "auth", false, "MfaVerify", "Tokens"},
        [](ApiCall& call) {
          auto body = call.body();
          domain::Validator()
              .check(body, {{"challengeToken", domain::Kind::String, true, 1, 1024}, {"code", domain::Kind::String, true, 6, 20}})
              .throwIfErrors();
          return dataResponse(call, call.app.identity.verifyMfa(domain::str(body, "challengeToken"), domain::str(body, "code"),
                                                                client(call)));
        },
        {false, RateClass::Login, false, false});
  r.add("POST", base + "/refresh", {"Rotate a refresh token", "auth", false, "Refresh", "Tokens"},
        [](ApiCall& call) {
          auto body = call.body();
          domain::Validator().check(body, {{"refreshToken", domain::Kind::String, true, 1, 512}}).throwIfErrors();
          return dataResponse(call, call.app.identity.refresh(domain::str(body, "refreshToken"), client(call)));
        },
        {false, RateClass::Standard, false, false});
  r.add("POST", base + "/mfa/enroll", {"Start (no code) or confirm (code) TOTP enrolment", "auth", true, "MfaEnroll", "MfaEnrollment"},
        [](ApiCall& call) { return dataResponse(call, call.app.identity.enrollMfa(call.ctx, call.body())); },
        {true, RateClass::Standard, false, false});
  r.add("POST", base + "/logout", {"End a session (revokes the refresh token family)", "auth", true, "Logout", "", {}, 204},
        [](ApiCall& call) {
          auto body = call.body();
          domain::Validator().check(body, {{"refreshToken", domain::Kind::String, false, 1, 512}}).throwIfErrors();
          call.app.identity.logout(call.ctx, domain::str(body, "refreshToken"));
          return noContent();
        },
        {true, RateClass::Standard, false, false});
  r.add("POST", base + "/revoke", {"Revoke a token, or all tokens of the user", "auth", true, "Revoke", "", {}, 204},
        [](ApiCall& call) {
          auto body = call.body();
          domain::Validator()
              .check(body, {{"token", domain::Kind::String, false, 1, 4096}, {"revokeAll", domain::Kind::Bool}})
              .throwIfErrors();
          auto* all = body.if_contains("revokeAll");
          call.app.identity.revoke(call.ctx, domain::str(body, "token"), all && all->is_bool() && all->get_bool());
          return noContent();
        },
        {true, RateClass::Standard, false, false});
  r.add("POST", base + "/password", {"Change the caller's password (ends every session; log in again)", "auth", true, "PasswordChange", "", {}, 204},
        [](ApiCall& call) {
          call.app.identity.changePassword(call.ctx, call.body(), client(call));
          return noContent();
        },
        {true, RateClass::Standard, false, false});
}

}  // namespace dcmms::api
