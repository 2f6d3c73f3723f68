#include "api/openapi.h"

#include <boost/json.hpp>
#include <map>

#include "core/json_util.h"

namespace dcmms::api {

namespace json = boost::json;

namespace {

json::object errorResponses(bool authenticated) {
  json::object ref{{"$ref", "#/components/responses/Error"}};
  json::object r{{"400", ref}, {"404", ref}, {"422", ref}, {"429", ref}, {"500", ref}, {"503", ref}};
  if (authenticated) {
    r["401"] = ref;
    r["403"] = ref;
  }
  return r;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A named schema: a $ref when the catalogue defines it, else an object titled with the name.
json::object schemaFor(const std::string& name) {
  if (componentSchemas().contains(name)) return json::object{{"$ref", "#/components/schemas/" + name}};
  json::object schema{{"type", "object"}};
  if (!name.empty()) schema["title"] = name;
  return schema;
}

// The success envelope, its data typed when the catalogue knows the schema.
json::object envelopeOf(const std::string& name) {
  json::object envelope{{"$ref", "#/components/schemas/Envelope"}};
  if (!componentSchemas().contains(name)) return envelope;
  return json::object{{"allOf", json::array{envelope, json::object{{"type", "object"},
                                                                   {"properties", json::object{{"data", schemaFor(name)}}}}}}};
}

}  // namespace

std::string buildOpenApi(const http::Router& router) {
  json::object paths;
  for (const auto& route : router.routes()) {
    json::object op;
    op["summary"] = route.info.summary;
    op["tags"] = json::array{json::value(route.info.tag)};
    op["operationId"] = lower(route.method) + route.pattern;
    json::array params;
    size_t pos = 0;
    while ((pos = route.pattern.find('{', pos)) != std::string::npos) {
      size_t end = route.pattern.find('}', pos);
      params.push_back(json::object{{"name", route.pattern.substr(pos + 1, end - pos - 1)},
                                    {"in", "path"},
                                    {"required", true},
                                    {"schema", json::object{{"type", "string"}}}});
      pos = end;
    }
    for (const auto& q : route.info.queryParams)
      params.push_back(json::object{{"name", q}, {"in", "query"}, {"required", false}, {"schema", json::object{{"type", "string"}}}});
    if (route.method == "POST" && route.info.authenticated)
      params.push_back(json::object{{"name", "Idempotency-Key"}, {"in", "header"}, {"required", false},
                                    {"schema", json::object{{"type", "string"}}}});
    if (route.method == "PATCH" || route.method == "PUT")
      params.push_back(json::object{{"name", "If-Match"}, {"in", "header"}, {"required", true},
                                    {"schema", json::object{{"type", "string"}}}});
    if (!params.empty()) op["parameters"] = std::move(params);
    if (route.method == "POST" || route.method == "PATCH" || route.method == "PUT") {
      const std::string& name = route.info.requestSchema;
      const char* type = name == "LineProtocol" ? "text/plain"
                         : route.upload && !componentSchemas().contains(name) ? "multipart/form-data"
                                                                             : "application/json";
      op["requestBody"] = json::object{{"required", true}, {"content", json::object{{type, json::object{{"schema", schemaFor(name)}}}}}};
    }
    json::object responses = errorResponses(route.info.authenticated);
    const int ok = route.info.successStatus ? route.info.successStatus : 200;
    if (ok == 204) responses["204"] = json::object{{"description", "No content"}};
    else
      responses[std::to_string(ok)] = json::object{
          {"description", route.info.responseSchema.empty() ? "OK" : route.info.responseSchema},
          {"content", json::object{{"application/json", json::object{{"schema", envelopeOf(route.info.responseSchema)}}}}}};
    op["responses"] = std::move(responses);
    if (route.info.authenticated)
      op["security"] = json::array{json::object{{"bearerAuth", json::array()}}, json::object{{"apiKey", json::array()}}};
    json::value& item = paths[route.pattern];
    if (!item.is_object()) item = json::object();
    item.get_object()[lower(route.method)] = std::move(op);
  }
  json::object doc;
  doc["openapi"] = "3.0.3";
  doc["info"] = json::object{{"title", "dCMMS API"},
                             {"version", "1.0.0"},
                             {"description", "Maintenance management and telemetry for renewable power plants."}};
  doc["paths"] = std::move(paths);
  doc["components"] = json::object{
      {"securitySchemes",
       json::object{{"bearerAuth", json::object{{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"}}},
                    {"apiKey", json::object{{"type", "apiKey"}, {"in", "header"}, {"name", "X-API-Key"}}}}},
      {"schemas",
       json::object{{"Envelope", json::object{{"type", "object"},
                                               {"properties", json::object{{"data", json::object{}},
                                                                           {"meta", json::object{{"type", "object"}}},
                                                                           {"links", json::object{{"type", "object"}}}}}}},
                    {"Error", json::object{{"type", "object"},
                                           {"properties",
                                            json::object{{"error", json::object{{"type", "object"},
                                                                                {"required", json::array{"code", "message", "requestId", "timestamp"}},
                                                                                {"properties", json::object{{"code", json::object{{"type", "string"}}},
                                                                                                            {"message", json::object{{"type", "string"}}},
                                                                                                            {"details", json::object{{"type", "array"}}},
                                                                                                            {"requestId", json::object{{"type", "string"}}},
                                                                                                            {"timestamp", json::object{{"type", "string"}}}}}}}}}}}}},
      {"responses", json::object{{"Error", json::object{{"description", "Error envelope"},
                                                        {"content", json::object{{"application/json",
                                                                                  json::object{{"schema", json::object{{"$ref", "#/components/schemas/Error"}}}}}}}}}}}};
  auto& schemas = doc["components"].as_object()["schemas"].as_object();
  for (const auto& [name, schema] : componentSchemas()) schemas[name] = schema;
  return toJson(doc);
}

}  // namespace dcmms::api
