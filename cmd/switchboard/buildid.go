package main

import (
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"os"
	"sync"
)

// buildID tells builds of switchboard apart: a digest of the Go build ID in
// the executable (it changes with the code and the flags it was built from,
// not with the file's path or time, so the same build installed twice, or
// rebuilt by `go run`, is the same). "" where it cannot be read.
var buildID = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	f, err := elf.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	sec := f.Section(".note.go.buildid")
	if sec == nil {
		return ""
	}
	note, err := sec.Data()
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(note)
	return hex.EncodeToString(sum[:8])
})
