package testdb

import (
	"os"
	"strconv"
	"strings"
)

// CPUTimes is a snapshot of the machine's CPU time counters (/proc/stat's
// "cpu" line, in clock ticks): everything, and what the hypervisor stole —
// time this virtual machine's processors were ready to run and did not.
type CPUTimes struct {
	Total, Steal uint64
	ok           bool
}

// ReadCPUTimes reads the counters; on a system without /proc/stat the
// snapshot says nothing (StolenSince reports -1).
func ReadCPUTimes() CPUTimes {
	raw, err := os.ReadFile("/proc/stat")
	if err != nil {
		return CPUTimes{}
	}
	line, _, _ := strings.Cut(string(raw), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return CPUTimes{}
	}
	var t CPUTimes
	for i, s := range f[1:] {
		if i >= 8 { // guest times are already counted in user and nice
			break
		}
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return CPUTimes{}
		}
		t.Total += n
		if i == 7 {
			t.Steal = n
		}
	}
	t.ok = true
	return t
}

// StolenSince is the share of all CPU time since before that was stolen
// (0–1), or -1 when either snapshot is empty. A benchmark reports it beside
// its figures: on a shared machine a third of the CPU may go elsewhere, and a
// run's figure means little without it.
func (t CPUTimes) StolenSince(before CPUTimes) float64 {
	if !t.ok || !before.ok || t.Total <= before.Total {
		return -1
	}
	return float64(t.Steal-before.Steal) / float64(t.Total-before.Total)
}
