// The one translation unit that compiles Asio and Beast (BOOST_ASIO_SEPARATE_COMPILATION /
// BOOST_BEAST_SEPARATE_COMPILATION are defined for this module and its dependents), so the
// other src/http/*.cpp files only pay for declarations.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
