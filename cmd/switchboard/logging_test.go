package main

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRepeatedWarningsHeldBack (issue 18, item 6): 500 identical warnings in
// a burst (a client with a bad API key) write warnBurst lines; after a minute
// the next says how many were left out; info lines always pass.
func TestRepeatedWarningsHeldBack(t *testing.T) {
	var buf bytes.Buffer
	h := newQuietHandler(slog.NewTextHandler(&buf, nil))
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	h.st.now = func() time.Time { return now }
	log := slog.New(h)
	for range 500 {
		log.Warn("api: refused", "ip", "198.51.100.7")
	}
	log.Info("work order created")
	if n := strings.Count(buf.String(), "api: refused"); n != warnBurst {
		t.Fatalf("%d warnings written, want %d", n, warnBurst)
	}
	now = now.Add(61 * time.Second)
	log.Warn("api: refused", "ip", "198.51.100.7")
	if !strings.Contains(buf.String(), "left_out_since=490") || !strings.Contains(buf.String(), "work order created") {
		t.Fatalf("log:\n%s", buf.String())
	}
}

// TestLogRotates (issue 18, item 6): the log is cut at logMaxMB and only
// logBackups old files are kept, each readable by its owner only.
func TestLogRotates(t *testing.T) {
	old := logMaxMB
	logMaxMB = 1
	defer func() { logMaxMB = old }()
	dir := t.TempDir()
	p := filepath.Join(dir, "switchboard.log")
	lf := newLogFile(p)
	log := slog.New(newQuietHandler(slog.NewTextHandler(lf, nil)))
	line := strings.Repeat("x", 1000)
	for range 6000 { // about 6 MB
		log.Info("filler", "text", line)
	}
	lf.Close()
	// Old files are removed in the background: give it a moment.
	var files []string
	for deadline := time.Now().Add(3 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		files, _ = filepath.Glob(filepath.Join(dir, "switchboard*.log"))
		if len(files) <= 1+logBackups || time.Now().After(deadline) {
			break
		}
	}
	if len(files) < 2 || len(files) > 1+logBackups {
		t.Fatalf("log files: %v", files)
	}
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil || fi.Size() > 1<<20+2000 || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, %d bytes, mode %v", f, err, fi.Size(), fi.Mode())
		}
	}
}
