// Log-linear latency histogram (HdrHistogram layout, 3 significant digits) for per-transaction latencies in
// microseconds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace stormdb {

// Records latencies from 1 us to kMaxTrackable us in fixed memory, with relative error < 1/1024.
//
// The layout is HdrHistogram's with lowest discernible value 1 and 3 significant digits: bucket 0
// holds 0..2047 at unit resolution, and every further bucket b covers [1024 << b, 2048 << b) in
// 1024 sub-buckets of width 1 << b. One histogram maps ~192 KiB, of which only the pages its
// counters reach become resident; record() touches one counter and never allocates, so a client
// thread can own one per transaction type and merge them at report time. Not thread-safe: each
// histogram has one writer.
class Histogram {
 public:
  // All zero. Maps the counter array once (anonymous pages: those never touched are never faulted
  // in, which matters when a run builds one per type and interval). Throws std::bad_alloc.
  Histogram();
  // Copies count only the counters between min and max (the others are zero).
  Histogram(const Histogram &other);
  Histogram &operator=(const Histogram &other);
  Histogram(Histogram &&) noexcept = default;
  Histogram &operator=(Histogram &&) noexcept = default;

  // Adds one sample of `value_us` microseconds. Values below 1 count as 0 (a clock that went
  // backwards must not corrupt the layout); values above kMaxTrackable count as kMaxTrackable
  // and are tallied in clamped_count().
  void record(int64_t value_us);
  // Adds `n` samples of `value_us` microseconds (same clamping as record()).
  void record_n(int64_t value_us, uint64_t n);
  // Adds every sample of `other` to this histogram, as if they had been recorded here.
  void merge(const Histogram &other);
  // Back to empty; clears only the counter range that was used since the last reset.
  void reset();

  // Number of samples recorded.
  uint64_t count() const { return count_; }
  // Smallest and largest recorded value in us, exact (after clamping); 0 when empty.
  int64_t min() const { return count_ == 0 ? 0 : min_; }
  int64_t max() const { return count_ == 0 ? 0 : max_; }
  // Arithmetic mean in us, from the exact sum; 0 when empty.
  double mean() const;
  // Population standard deviation in us, from the sums of values and squares; 0 when empty.
  double stddev() const;
  // Samples that were above kMaxTrackable and recorded as kMaxTrackable.
  uint64_t clamped_count() const { return clamped_; }

  // Value in us at percentile `p` (0..100, clamped into that range): the highest value equivalent
  // to the bucket holding the ceil(p/100 * count)-th smallest sample (HdrHistogram
  // getValueAtPercentile), clamped to [min(), max()]. p = 0 gives min(), p = 100 gives max(),
  // 0 when empty.
  int64_t percentile(double p) const;

  struct Bucket {
    int64_t low;     // lowest value (us) the bucket stands for
    int64_t high;    // highest value (us) the bucket stands for, inclusive
    uint64_t count;  // samples in it
  };
  // Every counter that holds samples, ascending by value (for JSON export and plots).
  std::vector<Bucket> nonzero_buckets() const;

  // Values above this many us (2^32 us, about 71.6 minutes) are clamped to it.
  static constexpr int64_t kMaxTrackable = int64_t{1} << 32;

  // Lowest and highest value (us) that share the counter of `value_us`: everything in this range
  // is indistinguishable once recorded. Exposed for tests and for exporters that want bounds.
  static int64_t lowest_equivalent(int64_t value_us);
  static int64_t highest_equivalent(int64_t value_us);

 private:
  static size_t index_of(int64_t value);
  static int64_t value_at(size_t index);
  static int64_t width_at(size_t index);

  struct FreeCounts {
    void operator()(uint64_t *p) const;
  };
  std::unique_ptr<uint64_t[], FreeCounts> counts_;
  uint64_t count_ = 0;
  uint64_t clamped_ = 0;
  int64_t min_ = 0;
  int64_t max_ = 0;
  // Exact: 2^32 * 2^64 samples cannot overflow 128 bits.
  unsigned __int128 sum_ = 0;
  // long double keeps 64 mantissa bits so that the variance of large, tight latencies survives
  // the subtraction in stddev().
  long double sum_squares_ = 0;
};

}  // namespace stormdb
