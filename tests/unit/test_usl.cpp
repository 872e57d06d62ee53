// Unit tests of the USL fit: it recovers known λ, σ, κ from synthetic band data.
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "metrics/usl.h"

using namespace stormdb;

namespace {
std::vector<double> bands() { return {1, 2, 4, 8, 16, 24, 32, 48, 64}; }

void check_recovers(double lambda, double sigma, double kappa, double noise) {
  UslFit truth{lambda, sigma, kappa};
  std::mt19937 gen(42);
  std::normal_distribution<double> jitter(0, noise);
  std::vector<double> n = bands(), x;
  for (double v : n) x.push_back(usl_throughput(truth, v) * (1 + jitter(gen)));
  UslFit f = fit_usl(n, x);
  REQUIRE(f.ok);
  CHECK(f.lambda == doctest::Approx(lambda).epsilon(0.05));
  CHECK(f.sigma == doctest::Approx(sigma).epsilon(0.05));
  CHECK(f.kappa == doctest::Approx(kappa).epsilon(0.05));
  CHECK(f.r2 > 0.99);
  CHECK(f.peak_n == doctest::Approx(std::sqrt((1 - sigma) / kappa)).epsilon(0.05));
}
}  // namespace

TEST_CASE("USL fit recovers known parameters from exact band data") {
  check_recovers(1000, 0.05, 0.001, 0);
  check_recovers(250, 0.2, 0.0005, 0);
  check_recovers(5000, 0.01, 0.002, 0);
}

TEST_CASE("USL fit stays within 5% with 0.2% measurement noise") { check_recovers(1000, 0.05, 0.001, 0.002); }

TEST_CASE("USL fit: linear scaling gives σ = κ = 0, and too few points are refused") {
  std::vector<double> n = {1, 2, 4, 8}, x = {100, 200, 400, 800};
  UslFit f = fit_usl(n, x);
  REQUIRE(f.ok);
  CHECK(f.lambda == doctest::Approx(100).epsilon(0.001));
  CHECK(f.sigma < 1e-6);
  CHECK(f.kappa < 1e-8);
  CHECK(!fit_usl({1, 2}, {100, 190}).ok);
  CHECK(!fit_usl({4, 4, 4}, {100, 101, 99}).ok);
}

TEST_CASE("USL fit: contention of 1 or more puts the peak at one client, not at sqrt of a negative") {
  // Throughput that falls from the first client on (a lock every transaction takes, or a server
  // already saturated by one client): σ >= 1, where √((1 − σ)/κ) has no meaning.
  UslFit truth{1000, 1.5, 0.001};
  std::vector<double> n = bands(), x;
  for (double v : n) x.push_back(usl_throughput(truth, v));
  UslFit f = fit_usl(n, x);
  REQUIRE(f.ok);
  CHECK(f.sigma >= 1);
  CHECK(f.peak_n == 1);
  std::vector<double> flat_n = {1, 2, 4, 8}, flat_x = {500, 500, 500, 500};  // σ = 1, κ = 0
  UslFit flat = fit_usl(flat_n, flat_x);
  REQUIRE(flat.ok);
  CHECK(flat.sigma == doctest::Approx(1).epsilon(0.01));
  CHECK(flat.peak_n == doctest::Approx(1).epsilon(0.05));
}
