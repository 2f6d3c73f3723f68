#include "api/render.h"
#include "api/routes.h"
#include "core/json_util.h"
#include "domain/descriptors.h"

namespace dcmms::api {

namespace {

using domain::ResourceService;

http::Response entityResponse(ApiCall& call, const json::object& doc, const std::string& link, int status = 200) {
  http::Response r = dataResponse(call, toJson(doc), status, link);
  if (auto* v = doc.if_contains("version"); v && v->is_int64()) setEtag(r, v->get_int64());
  if (status == 201) r.setHeader("Location", link);
  return r;
}

// Registers list/create/get/patch/put/delete for one ResourceService.
void crud(ApiRoutes& r, const std::string& base, const std::string& tag, ResourceService& (*svc)(App&),
          const domain::EntityDescriptor& d, bool withPut) {
  const std::string idField(d.idField);
  r.add("GET", base, {"List " + tag, tag, true, "", tag + "Page", {"page", "pageSize", "sort", "fields", "filter[field][op]"}},
        [svc, &d, idField](ApiCall& call) {
          auto q = call.listQuery(d);
          auto page = svc(call.app).list(call.ctx, q);
          std::string items = "[";
          for (size_t i = 0; i < page.rows.size(); ++i) {
            if (i) items += ",";
            items += &d == &domain::assetDescriptor()
                         ? renderAsset(call, json::parse(page.rows[i].docText).as_object(), q)
                         : renderPlain(page.rows[i].docText, q, idField);
          }
          items += "]";
          return pageResponse(call, items, q, page.totalItems);
        });
  r.add("POST", base, {"Create " + tag, tag, true, tag, tag, {}, 201}, [svc, base, idField](ApiCall& call) {
    auto doc = svc(call.app).create(call.ctx, call.body());
    return entityResponse(call, doc, base + "/" + domain::str(doc, idField), 201);
  });
  r.add("GET", base + "/{id}", {"Get one of " + tag, tag, true, "", tag, {"fields", "expand"}}, [svc, &d, base](ApiCall& call) {
    auto q = call.listQuery(d);
    auto l = svc(call.app).get(call.ctx, call.param("id"));
    std::string body = &d == &domain::assetDescriptor() ? renderAsset(call, std::move(l.doc), q)
                                                         : renderPlain(toJson(l.doc), q, d.idField);
    http::Response resp = dataResponse(call, std::move(body), 200, base + "/" + call.param("id"));
    setEtag(resp, l.version);
    return resp;
  });
  r.add("PATCH", base + "/{id}", {"Update " + tag + " (merge; If-Match required)", tag, true, tag, tag},
        [svc, base](ApiCall& call) {
          auto doc = svc(call.app).update(call.ctx, call.param("id"), call.body(), call.ifMatch(), false);
          return entityResponse(call, doc, base + "/" + call.param("id"));
        });
  if (withPut)
    r.add("PUT", base + "/{id}", {"Replace " + tag + " (If-Match required)", tag, true, tag, tag}, [svc, base](ApiCall& call) {
      auto doc = svc(call.app).update(call.ctx, call.param("id"), call.body(), call.ifMatch(), true);
      return entityResponse(call, doc, base + "/" + call.param("id"));
    });
  r.add("DELETE", base + "/{id}", {"Delete " + tag + " (soft delete)", tag, true, "", "", {}, 204}, [svc](ApiCall& call) {
    svc(call.app).remove(call.ctx, call.param("id"), call.ifMatch());
    return noContent();
  });
}

}  // namespace

void registerCatalogRoutes(ApiRoutes& r) {
  crud(r, "/api/v1/sites", "sites", [](App& a) -> ResourceService& { return a.sites; }, domain::siteDescriptor(), true);
  crud(r, "/api/v1/zones", "zones", [](App& a) -> ResourceService& { return a.zones; }, domain::zoneDescriptor(), false);
  crud(r, "/api/v1/assets", "assets", [](App& a) -> ResourceService& { return a.assets; }, domain::assetDescriptor(), true);
  crud(r, "/api/v1/crews", "crews", [](App& a) -> ResourceService& { return a.crews; }, domain::crewDescriptor(), false);
  crud(r, "/api/v1/users", "users", [](App& a) -> ResourceService& { return a.users; }, domain::userDescriptor(), false);

  r.add("GET", "/api/v1/sites/{id}/assets", {"Assets of a site", "assets", true, "", "assetsPage", {"page", "pageSize", "sort", "fields", "expand"}},
        [](ApiCall& call) {
          call.app.sites.get(call.ctx, call.param("id"));  // 404 / 403 for the site itself
          auto q = call.listQuery(domain::assetDescriptor());
          static const domain::FieldColumn* siteCol = domain::assetDescriptor().column("siteId");
          q.filters.push_back({siteCol, "eq", {call.param("id")}});
          auto page = call.app.assets.list(call.ctx, q);
          std::string items = "[";
          for (size_t i = 0; i < page.rows.size(); ++i) {
            if (i) items += ",";
            items += renderAsset(call, json::parse(page.rows[i].docText).as_object(), q);
          }
          items += "]";
          return pageResponse(call, items, q, page.totalItems);
        });
  r.add("GET", "/api/v1/sites/{id}/zones", {"Zones of a site", "zones", true, "", "zonesPage"}, [](ApiCall& call) {
    call.app.sites.get(call.ctx, call.param("id"));
    auto q = call.listQuery(domain::zoneDescriptor());
    q.filters.push_back({domain::zoneDescriptor().column("siteId"), "eq", {call.param("id")}});
    auto page = call.app.zones.list(call.ctx, q);
    std::string items = "[";
    for (size_t i = 0; i < page.rows.size(); ++i) items += (i ? "," : "") + page.rows[i].docText;
    items += "]";
    return pageResponse(call, items, q, page.totalItems);
  });
  r.add("POST", "/api/v1/assets/{id}/transitions", {"Change an asset's status", "assets", true, "Transition", "assets"},
        [](ApiCall& call) {
          auto doc = call.app.assets.transition(call.ctx, call.param("id"), call.body());
          return entityResponse(call, doc, "/api/v1/assets/" + call.param("id"));
        });
  r.add("GET", "/api/v1/users/me", {"The caller's profile", "users", true, "", "users"}, [](ApiCall& call) {
    auto l = call.app.users.get(call.ctx, call.ctx.userId());
    return entityResponse(call, l.doc, "/api/v1/users/me");
  });
  r.add("POST", "/api/v1/users/{id}/deactivate", {"Deactivate a user (revokes tokens and keys)", "users", true, "", "users"},
        [](ApiCall& call) {
          return entityResponse(call, call.app.users.deactivate(call.ctx, call.param("id")), "/api/v1/users/" + call.param("id"));
        });
  r.add("POST", "/api/v1/users/{id}/mfa-reset", {"Reset a user's MFA (admin)", "users", true, "", "", {}, 204}, [](ApiCall& call) {
    call.app.identity.resetMfa(call.ctx, call.param("id"));
    return noContent();
  });
}

}  // namespace dcmms::api
