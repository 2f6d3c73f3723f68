// The OpenAPI 3 document, generated from the route table so it cannot drift from the routes.
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "http/router.h"

namespace dcmms::api {

std::string buildOpenApi(const http::Router& router);

// Schemas by name (openapi_schemas.cpp); a route naming one gets a $ref to it in the document.
const boost::json::object& componentSchemas();

}  // namespace dcmms::api
