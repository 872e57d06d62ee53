// Levenberg–Marquardt fit of the Universal Scalability Law to measured (clients, tps) points.
#include "metrics/usl.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

namespace stormdb {
namespace {

double sse(const std::vector<double> &n, const std::vector<double> &x, double l, double s, double k) {
  double e = 0;
  for (size_t i = 0; i < n.size(); i++) {
    double r = x[i] - l * n[i] / (1 + s * (n[i] - 1) + k * n[i] * (n[i] - 1));
    e += r * r;
  }
  return e;
}

// Solves the 3x3 system a·d = b by Gaussian elimination with partial pivoting.
bool solve3(double a[3][3], double b[3], double d[3]) {
  for (int c = 0; c < 3; c++) {
    int p = c;
    for (int r = c + 1; r < 3; r++)
      if (std::fabs(a[r][c]) > std::fabs(a[p][c])) p = r;
    if (std::fabs(a[p][c]) < 1e-300) return false;
    std::swap(a[c], a[p]);
    std::swap(b[c], b[p]);
    for (int r = c + 1; r < 3; r++) {
      double f = a[r][c] / a[c][c];
      for (int k = c; k < 3; k++) a[r][k] -= f * a[c][k];
      b[r] -= f * b[c];
    }
  }
  for (int r = 2; r >= 0; r--) {
    double v = b[r];
    for (int k = r + 1; k < 3; k++) v -= a[r][k] * d[k];
    d[r] = v / a[r][r];
  }
  return true;
}

}  // namespace

double usl_throughput(const UslFit &f, double n) {
  return f.lambda * n / (1 + f.sigma * (n - 1) + f.kappa * n * (n - 1));
}

UslFit fit_usl(const std::vector<double> &n, const std::vector<double> &x) {
  UslFit f;
  if (n.size() != x.size() || std::set<double>(n.begin(), n.end()).size() < 3) return f;
  // Start from λ = best per-client throughput at the smallest n, and small σ, κ.
  size_t lo = std::min_element(n.begin(), n.end()) - n.begin();
  double p[3] = {x[lo] / n[lo], 0.01, 0.0001};
  double mu = 1e-3;
  double err = sse(n, x, p[0], p[1], p[2]);
  for (int iter = 0; iter < 500; iter++) {
    double jtj[3][3] = {}, jtr[3] = {};
    for (size_t i = 0; i < n.size(); i++) {
      double N = n[i], den = 1 + p[1] * (N - 1) + p[2] * N * (N - 1);
      double model = p[0] * N / den;
      double g[3] = {N / den, -p[0] * N * (N - 1) / (den * den), -p[0] * N * N * (N - 1) / (den * den)};
      double r = x[i] - model;
      for (int a = 0; a < 3; a++) {
        jtr[a] += g[a] * r;
        for (int b = 0; b < 3; b++) jtj[a][b] += g[a] * g[b];
      }
    }
    bool improved = false;
    while (mu < 1e12) {
      double m[3][3], rhs[3] = {jtr[0], jtr[1], jtr[2]}, d[3];
      for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) m[a][b] = jtj[a][b] + (a == b ? mu * std::max(jtj[a][a], 1e-12) : 0);
      if (!solve3(m, rhs, d)) break;
      double q[3] = {std::max(p[0] + d[0], 1e-12), std::max(p[1] + d[1], 0.0), std::max(p[2] + d[2], 0.0)};
      double e = sse(n, x, q[0], q[1], q[2]);
      if (e < err) {
        bool tiny = err - e < 1e-14 * std::max(err, 1.0);
        std::copy(q, q + 3, p);
        err = e;
        mu = std::max(mu / 10, 1e-15);
        improved = !tiny;
        break;
      }
      mu *= 10;
    }
    if (!improved) break;
  }
  f.lambda = p[0];
  f.sigma = p[1];
  f.kappa = p[2];
  double mean = 0;
  for (double v : x) mean += v;
  mean /= x.size();
  double tot = 0;
  for (double v : x) tot += (v - mean) * (v - mean);
  f.r2 = tot > 0 ? 1 - err / tot : 1;
  // σ >= 1: each added client costs at least what it brings (X(N) <= λ = X(1)), so the peak is
  // one client, with or without κ.
  f.peak_n = f.sigma >= 1    ? 1
             : f.kappa > 0 ? std::sqrt((1 - f.sigma) / f.kappa)
                           : std::numeric_limits<double>::infinity();
  f.ok = std::isfinite(f.lambda) && f.lambda > 0;
  return f;
}

}  // namespace stormdb
