package testdb

import (
	"runtime"
	"testing"
	"time"
)

func TestCPUTimes(t *testing.T) {
	a := ReadCPUTimes()
	if runtime.GOOS == "linux" && !a.ok {
		t.Fatal("no CPU times from /proc/stat on Linux")
	}
	b := ReadCPUTimes()
	for deadline := time.Now().Add(2 * time.Second); b.Total == a.Total && time.Now().Before(deadline); b = ReadCPUTimes() {
		time.Sleep(5 * time.Millisecond) // a clock tick (10 ms) passes
	}
	if s := b.StolenSince(a); runtime.GOOS == "linux" && (s < 0 || s > 1) {
		t.Fatalf("stolen share %v, want 0–1", s)
	}
	if s := (CPUTimes{}).StolenSince(a); s != -1 {
		t.Fatalf("an empty snapshot says %v, want -1", s)
	}
}
