// The OpenAPI 3 document, generated from the route table so it cannot drift from the routes.
#pragma once

#include <string>

#include "http/router.h"

namespace dcmms::api {

std::string buildOpenApi(const http::Router& router);

}  // namespace dcmms::api
