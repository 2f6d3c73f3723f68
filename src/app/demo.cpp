#include "app/demo.h"

#include <iostream>

namespace dcmms::app {

int seedDemo(store::Database&, const std::string&, const std::string&) {
  std::cerr << "demo seeding is not available in this build\n";
  return 1;
}

}  // namespace dcmms::app
