-- Uncertainty and steady state of tpmC from the per-interval New-Order counts: batch means, a confidence interval, a linear trend.
--
-- Method (docs/workloads/tpcc.md "Run rules for a publishable number"): the measurement interval
-- is cut into k consecutive batches of equal length (k = 10; one per minute when it lasts 10
-- minutes or more) and each batch's New-Order rate is one observation. Batch means absorb the
-- correlation between neighbouring seconds (terminals in step, checkpoints) that would make a
-- per-transaction or per-second standard error far too small. The 95 % confidence interval of
-- tpmC is mean ± t(k-1) · sd / √k. Steady state is judged from the least-squares trend of the
-- batch rates: its total drift over the interval, in % of the mean, with a 95 % interval from
-- t(k-2).
local M = {}

local sqrt, floor, abs, huge = math.sqrt, math.floor, math.abs, math.huge

-- Two-sided 97.5 % quantiles of Student's t for 1..30 degrees of freedom; 1.96 beyond.
local T975 = { 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
               2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
               2.052, 2.048, 2.045, 2.042 }
function M.t975(df)
  if df < 1 then return huge end
  return T975[df] or 1.96
end

-- The number of batches for a measurement interval of el seconds held in n intervals.
function M.batch_count(el, n)
  if el >= 600 then return math.min(floor(el / 60), n) end
  return math.min(10, n)
end

-- Rates (per minute) of transaction type `name` in k consecutive batches of the measured
-- intervals r.intervals ({span_s =, types = {name = {count =}}}): each interval goes to the batch
-- holding its midpoint. Returns the list of rates and the batch midpoints in seconds.
function M.batches(intervals, name, k)
  local total = 0
  for _, iv in ipairs(intervals) do total = total + iv.span_s end
  if k < 1 or total <= 0 then return {}, {} end
  local count, span = {}, {}
  for b = 1, k do count[b], span[b] = 0, 0 end
  local t = 0
  for _, iv in ipairs(intervals) do
    local b = math.min(k, floor((t + iv.span_s / 2) / (total / k)) + 1)
    local x = iv.types and iv.types[name]
    count[b] = count[b] + (x and x.count or 0)
    span[b] = span[b] + iv.span_s
    t = t + iv.span_s
  end
  local rates, mids, start = {}, {}, 0
  for b = 1, k do
    if span[b] > 0 then
      rates[#rates + 1] = 60 * count[b] / span[b]
      mids[#mids + 1] = start + span[b] / 2
    end
    start = start + span[b]
  end
  return rates, mids
end

local function mean_sd(xs)
  local n, s = #xs, 0
  for _, x in ipairs(xs) do s = s + x end
  local m = n > 0 and s / n or 0
  local v = 0
  for _, x in ipairs(xs) do v = v + (x - m) ^ 2 end
  return m, n > 1 and sqrt(v / (n - 1)) or 0
end

-- Mean of the batch rates, the half-width of its 95 % confidence interval (huge with fewer than
-- 2 batches) and the coefficient of variation of the batches in %.
function M.confidence(rates)
  local m, sd = mean_sd(rates)
  local k = #rates
  local half = k >= 2 and M.t975(k - 1) * sd / sqrt(k) or huge
  return m, half, m > 0 and 100 * sd / m or 0
end

-- Least-squares trend of rates over times: total drift over `span` seconds in % of the mean
-- rate, and the half-width of its 95 % confidence interval (huge with fewer than 3 batches).
function M.drift(rates, mids, span)
  local k = #rates
  local m = mean_sd(rates)
  if k < 3 or m <= 0 then return 0, huge end
  local tm = mean_sd(mids)
  local sxy, sxx = 0, 0
  for i = 1, k do
    sxy = sxy + (mids[i] - tm) * (rates[i] - m)
    sxx = sxx + (mids[i] - tm) ^ 2
  end
  local slope = sxy / sxx
  local res = 0
  for i = 1, k do res = res + (rates[i] - m - slope * (mids[i] - tm)) ^ 2 end
  local se = sqrt(res / (k - 2) / sxx)
  local scale = 100 * span / m
  return slope * scale, M.t975(k - 2) * se * scale
end

-- Steady-state verdict: true when the whole 95 % interval of the drift lies within ±limit %,
-- false when the drift is significant (its interval excludes 0) and beyond ±limit %, nil when
-- the batches are too noisy to say either.
function M.steady(drift, half, limit)
  if abs(drift) + half <= limit then return true end
  if abs(drift) > limit and abs(drift) > half then return false end
  return nil
end

return M
