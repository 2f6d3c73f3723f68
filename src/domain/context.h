// Who is acting and when: built by the API layer from a verified token or API key and passed
// to every service call.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "auth/policy.h"

namespace dcmms::domain {

struct RequestContext {
  auth::Principal principal;  // userId, tenantId, role, siteIds, skills, employment, contract
  std::string requestId;
  std::string ip;
  int64_t now = 0;  // epoch ms from the server's clock (injectable)
  bool viaApiKey = false;
  std::vector<std::string> apiKeyScopes;  // non-empty: the key may use only these permissions

  const std::string& userId() const { return principal.userId; }
  const std::string& tenantId() const { return principal.tenantId; }
};

}  // namespace dcmms::domain
