// Time-continuous random processes and lags used by the physical models. All take the elapsed
// time since the previous step, so sampling at any rate gives the same statistics.
#pragma once

#include <algorithm>
#include <cmath>

#include "telemetry/sim/rng.h"

namespace dcmms::telemetry::sim {

// Stationary Gaussian AR(1) (discretised Ornstein–Uhlenbeck) with unit variance and
// correlation time tauS: x' = ρx + √(1−ρ²)·N(0,1), ρ = exp(−dt/τ).
class Ar1 {
 public:
  explicit Ar1(double tauS = 60) : tauS_(tauS) {}
  void init(Rng& rng) { x_ = rng.normal(); }
  double step(Rng& rng, double dtS) {
    if (dtS <= 0) return x_;
    double rho = std::exp(-dtS / tauS_);
    x_ = rho * x_ + std::sqrt(1 - rho * rho) * rng.normal();
    return x_;
  }
  double value() const { return x_; }

 private:
  double tauS_;
  double x_ = 0;
};

// First-order lag toward a target (thermal masses): y' = y + (target − y)(1 − exp(−dt/τ)).
class Lag {
 public:
  explicit Lag(double tauS = 600) : tauS_(tauS) {}
  double step(double target, double dtS) {
    if (!init_) {
      y_ = target;
      init_ = true;
    } else if (dtS > 0) {
      y_ += (target - y_) * (1 - std::exp(-dtS / tauS_));
    }
    return y_;
  }
  double value() const { return y_; }

 private:
  double tauS_;
  double y_ = 0;
  bool init_ = false;
};

inline double normalCdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// Maps a standard normal value to a Weibull(k, c) value through its CDF, so an AR(1) Gaussian
// process becomes a correlated process with an exact Weibull marginal.
inline double weibullFromNormal(double z, double k, double c) {
  double u = std::clamp(normalCdf(z), 1e-12, 1 - 1e-12);
  return c * std::pow(-std::log(1 - u), 1 / k);
}

// Rounds to the given number of decimals, never returning -0.
inline double roundTo(double v, int decimals) {
  static constexpr double kScale[] = {1, 10, 100, 1000, 10000};
  double s = kScale[std::clamp(decimals, 0, 4)];
  double r = std::round(v * s) / s;
  return r == 0 ? 0.0 : r;
}

}  // namespace dcmms::telemetry::sim
