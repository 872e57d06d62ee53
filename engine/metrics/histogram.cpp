// Implementation of the HdrHistogram-layout latency histogram declared in metrics/histogram.h.
#include "metrics/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <sys/mman.h>

#include <cstring>
#include <new>

namespace stormdb {
namespace {

// HdrHistogram parameters for lowest discernible value 1 (unit magnitude 0), 3 significant digits
// and highest trackable value 2^32: sub_bucket_count = 2^ceil(log2(2 * 10^3)) = 2048.
constexpr int kSubBucketHalfCountMagnitude = 10;
constexpr int64_t kSubBucketHalfCount = int64_t{1} << kSubBucketHalfCountMagnitude;  // 1024
constexpr int64_t kSubBucketMask = 2 * kSubBucketHalfCount - 1;                      // 2047
// 64 - unit_magnitude - sub_bucket_half_count_magnitude - 1.
constexpr int kLeadingZeroCountBase = 64 - 0 - kSubBucketHalfCountMagnitude - 1;
// Buckets until 2048 << (n - 1) > 2^32, i.e. 23; HdrHistogram sizes the array (n + 1) * 1024.
constexpr int kBucketCount = 23;
constexpr size_t kCountsLength = size_t{kBucketCount + 1} << kSubBucketHalfCountMagnitude;

int64_t clamp_value(int64_t value) {
  if (value < 1) return 0;
  return std::min(value, Histogram::kMaxTrackable);
}

}  // namespace

size_t Histogram::index_of(int64_t value) {
  const auto v = static_cast<uint64_t>(value);
  const int bucket = kLeadingZeroCountBase - std::countl_zero(v | kSubBucketMask);
  const auto sub_bucket = static_cast<int64_t>(v >> bucket);
  // Bucket 0 uses all 2048 sub-buckets; later buckets only their upper half, since the lower half
  // would duplicate the previous bucket at coarser resolution.
  return static_cast<size_t>(((int64_t{bucket} + 1) << kSubBucketHalfCountMagnitude) +
                             (sub_bucket - kSubBucketHalfCount));
}

int64_t Histogram::value_at(size_t index) {
  int64_t bucket = static_cast<int64_t>(index >> kSubBucketHalfCountMagnitude) - 1;
  int64_t sub_bucket = static_cast<int64_t>(index & (kSubBucketHalfCount - 1)) + kSubBucketHalfCount;
  if (bucket < 0) {
    sub_bucket -= kSubBucketHalfCount;
    bucket = 0;
  }
  return sub_bucket << bucket;
}

int64_t Histogram::width_at(size_t index) {
  const int64_t bucket = static_cast<int64_t>(index >> kSubBucketHalfCountMagnitude) - 1;
  return int64_t{1} << std::max<int64_t>(bucket, 0);
}

int64_t Histogram::lowest_equivalent(int64_t value_us) { return value_at(index_of(clamp_value(value_us))); }

int64_t Histogram::highest_equivalent(int64_t value_us) {
  const size_t index = index_of(clamp_value(value_us));
  return value_at(index) + width_at(index) - 1;
}

void Histogram::FreeCounts::operator()(uint64_t *p) const { munmap(p, kCountsLength * sizeof(uint64_t)); }

// Its own anonymous mapping rather than a zero-filled vector or calloc: the kernel hands out zero
// pages and faults in only those that latencies reach (a few), not all 48 at construction. On
// this engine's paravirtualised test VMs a fault costs more than the mmap/munmap pair, and malloc
// would memset a recycled block (and re-fault it after trimming its heap) for every histogram a
// run builds per type and interval.
Histogram::Histogram() {
  void *p = mmap(nullptr, kCountsLength * sizeof(uint64_t), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  counts_.reset(static_cast<uint64_t *>(p));
}

Histogram::Histogram(const Histogram &other) : Histogram() {
  count_ = other.count_;
  clamped_ = other.clamped_;
  min_ = other.min_;
  max_ = other.max_;
  sum_ = other.sum_;
  sum_squares_ = other.sum_squares_;
  if (count_ == 0) return;
  const size_t first = index_of(min_);
  std::memcpy(&counts_[first], &other.counts_[first], (index_of(max_) - first + 1) * sizeof(uint64_t));
}

Histogram &Histogram::operator=(const Histogram &other) {
  if (this != &other) *this = Histogram(other);
  return *this;
}

void Histogram::record(int64_t value_us) { record_n(value_us, 1); }

void Histogram::record_n(int64_t value_us, uint64_t n) {
  if (n == 0) return;
  if (value_us > kMaxTrackable) clamped_ += n;
  const int64_t v = clamp_value(value_us);
  counts_[index_of(v)] += n;
  if (count_ == 0) {
    min_ = v;
    max_ = v;
  } else {
    min_ = std::min(min_, v);
    max_ = std::max(max_, v);
  }
  count_ += n;
  sum_ += static_cast<unsigned __int128>(v) * n;
  const auto lv = static_cast<long double>(v);
  sum_squares_ += lv * lv * static_cast<long double>(n);
}

void Histogram::merge(const Histogram &other) {
  if (other.count_ == 0) return;
  // Every non-zero counter lies between the indexes of min and max, so the scan stays short for
  // the usual narrow latency spread.
  const size_t first = index_of(other.min_);
  const size_t last = index_of(other.max_);
  for (size_t i = first; i <= last; ++i) counts_[i] += other.counts_[i];
  if (count_ == 0) {
    min_ = other.min_;
    max_ = other.max_;
  } else {
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
  }
  count_ += other.count_;
  clamped_ += other.clamped_;
  sum_ += other.sum_;
  sum_squares_ += other.sum_squares_;
}

void Histogram::reset() {
  if (count_ != 0) {
    const size_t first = index_of(min_);
    const size_t last = index_of(max_);
    std::memset(&counts_[first], 0, (last - first + 1) * sizeof(uint64_t));
  }
  count_ = 0;
  clamped_ = 0;
  min_ = 0;
  max_ = 0;
  sum_ = 0;
  sum_squares_ = 0;
}

double Histogram::mean() const {
  if (count_ == 0) return 0.0;
  return static_cast<double>(static_cast<long double>(sum_) / static_cast<long double>(count_));
}

double Histogram::stddev() const {
  if (count_ == 0) return 0.0;
  const auto n = static_cast<long double>(count_);
  const long double m = static_cast<long double>(sum_) / n;
  // Rounding can push a zero variance slightly negative.
  const long double variance = std::max<long double>(sum_squares_ / n - m * m, 0.0L);
  return static_cast<double>(std::sqrt(variance));
}

int64_t Histogram::percentile(double p) const {
  if (count_ == 0) return 0;
  if (std::isnan(p) || p <= 0.0) return min_;
  if (p >= 100.0) return max_;
  // p is meant as a decimal (99.9 is stored as 99.90000000000000568), so a product within
  // rounding noise of a whole count is taken as that count; plain ceil would reach for the next
  // sample for 99.9% of 1000.
  const long double fractional = static_cast<long double>(p) * count_ / 100.0L;
  const long double nearest = std::round(fractional);
  const long double rank = std::fabs(fractional - nearest) <= fractional * 1e-12L ? nearest : std::ceil(fractional);
  const uint64_t wanted = std::clamp<uint64_t>(static_cast<uint64_t>(rank), 1, count_);
  const size_t first = index_of(min_);
  const size_t last = index_of(max_);
  uint64_t seen = 0;
  for (size_t i = first; i <= last; ++i) {
    seen += counts_[i];
    if (seen >= wanted) {
      const int64_t high = value_at(i) + width_at(i) - 1;
      return std::clamp(high, min_, max_);
    }
  }
  return max_;
}

std::vector<Histogram::Bucket> Histogram::nonzero_buckets() const {
  std::vector<Bucket> out;
  if (count_ == 0) return out;
  const size_t first = index_of(min_);
  const size_t last = index_of(max_);
  for (size_t i = first; i <= last; ++i) {
    if (counts_[i] == 0) continue;
    const int64_t low = value_at(i);
    out.push_back(Bucket{low, low + width_at(i) - 1, counts_[i]});
  }
  return out;
}

}  // namespace stormdb
