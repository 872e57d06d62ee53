// Universal Scalability Law fit: X(N) = λN / (1 + σ(N−1) + κN(N−1)) by nonlinear least squares.
#pragma once
#include <vector>

namespace stormdb {

struct UslFit {
  double lambda = 0;  // throughput of one client without contention (tps)
  double sigma = 0;   // contention (serial fraction), >= 0
  double kappa = 0;   // coherency (crosstalk) cost, >= 0
  double r2 = 0;      // coefficient of determination of the fit
  double peak_n = 0;  // N* = sqrt((1 − σ)/κ); 1 when σ >= 1; infinity when κ = 0 (and σ < 1)
  bool ok = false;    // false with fewer than 3 distinct points or a failed fit
};

// USL throughput at concurrency n.
double usl_throughput(const UslFit &f, double n);
// Fits (clients, throughput) points with Levenberg–Marquardt, keeping σ and κ non-negative
// (Gunther, "Guerrilla Capacity Planning", ch. 4). Needs at least 3 points with distinct n.
UslFit fit_usl(const std::vector<double> &n, const std::vector<double> &x);

}  // namespace stormdb
