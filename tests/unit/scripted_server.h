// A throw-away server for unit tests, started on first use by a repository script that prints
// `<PREFIX>_URL='…'` and `<PREFIX>_STOP='…'` (scripts/start-postgres.sh, start-clickhouse.sh),
// or taken from the environment variable <PREFIX>_URL when set. stop() runs the script's stop
// command and removes its directory; a gtest Environment calls it at the end of the run.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string>

namespace dcmms::testing {

// A fresh directory under the system temp dir, "<prefix>-XXXXXX".
inline std::string makeTempDir(const std::string& prefix) {
  std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

class ScriptedServer {
 public:
  // script: path of the start script; envPrefix: "DCMMS_PG" reads DCMMS_PG_URL, and the script
  // prints PG_URL/PG_STOP when outputPrefix is "PG".
  ScriptedServer(std::string name, std::string script, std::string envVar, std::string outputPrefix)
      : name_(std::move(name)), script_(std::move(script)), envVar_(std::move(envVar)), prefix_(std::move(outputPrefix)) {}

  const std::string& url() {
    std::call_once(started_, [this] { start(); });
    if (url_.empty()) throw std::runtime_error(name_ + " test server did not start: " + error_);
    return url_;
  }

  void stop() {
    if (!stop_.empty()) {
      if (std::system((stop_ + " >/dev/null 2>&1").c_str()) != 0)
        std::fprintf(stderr, "warning: stopping the %s test server failed\n", name_.c_str());
      stop_.clear();
    }
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
      dir_.clear();
    }
  }

 private:
  // The value of a `NAME='value'` line of the script's output.
  static std::string assignment(const std::string& output, const std::string& name) {
    const std::string prefix = name + "='";
    const auto start = output.find(prefix);
    if (start == std::string::npos) return {};
    const auto end = output.find('\'', start + prefix.size());
    return output.substr(start + prefix.size(), end - start - prefix.size());
  }

  void start() {
    if (const char* env = std::getenv(envVar_.c_str()); env && *env) {
      url_ = env;
      return;
    }
    dir_ = makeTempDir("dcmms-" + prefix_);
    const std::string cmd = "bash '" + script_ + "' '" + dir_ + "/server' 2>&1";
    FILE* pipe = popen(cmd.c_str(), "r");
    if (!pipe) {
      error_ = "popen failed";
      return;
    }
    std::string output;
    char buf[512];
    while (std::fgets(buf, sizeof buf, pipe)) output += buf;
    const int status = pclose(pipe);
    stop_ = assignment(output, prefix_ + "_STOP");
    if (status != 0) {
      error_ = output;
      return;
    }
    url_ = assignment(output, prefix_ + "_URL");
    if (url_.empty()) error_ = output;
  }

  std::string name_, script_, envVar_, prefix_;
  std::once_flag started_;
  std::string url_, stop_, dir_, error_;
};

}  // namespace dcmms::testing
