package main

import "math/bits"

// hist is a log-linear latency histogram over nanoseconds: exact below 128 ns,
// then 64 sub-buckets per power of two, so any recorded value is reported within
// 1/128 (< 0.8 %) of its true value. Recording is a few instructions and no
// allocation; one histogram per connection, merged at the end.
type hist struct {
	counts [128 + 58*64]uint64
	n      uint64
	max    int64
}

func bucketOf(v int64) int {
	if v < 128 {
		if v < 0 {
			return 0
		}
		return int(v)
	}
	shift := bits.Len64(uint64(v)) - 7 // v>>shift is in [64,128)
	return 128 + (shift-1)*64 + int(uint64(v)>>uint(shift)) - 64
}

// bucketMid is the midpoint of a bucket's value range.
func bucketMid(i int) float64 {
	if i < 128 {
		return float64(i)
	}
	shift := (i-128)/64 + 1
	top := int64((i-128)%64 + 64)
	lo := top << uint(shift)
	hi := (top + 1) << uint(shift)
	return float64(lo+hi-1) / 2
}

func (h *hist) record(v int64) {
	h.counts[bucketOf(v)]++
	h.n++
	if v > h.max {
		h.max = v
	}
}

func (h *hist) merge(o *hist) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	if o.max > h.max {
		h.max = o.max
	}
}

// quantile returns the q-quantile (0 < q <= 1) in nanoseconds, 0 when empty.
func (h *hist) quantile(q float64) float64 {
	if h.n == 0 {
		return 0
	}
	rank := uint64(q*float64(h.n) + 0.5)
	if rank < 1 {
		rank = 1
	}
	if rank >= h.n {
		return float64(h.max)
	}
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			m := bucketMid(i)
			if m > float64(h.max) {
				m = float64(h.max)
			}
			return m
		}
	}
	return float64(h.max)
}
