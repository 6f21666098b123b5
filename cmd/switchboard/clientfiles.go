package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"switchboard/cmd/switchboard/internal/wire"
)

// Files a person asks for (a report's PDF, a sticker sheet, an export) are
// written by their own client process, in their working directory or the path
// they gave, with their permissions: the server, which runs every console and
// command, only sends the bytes (wire.SaveFile) and hears back where they went
// (wire.FileSaved).

// fileReceiver is the client's side: it writes the files the server sends.
type fileReceiver struct {
	w    *wire.Writer
	open map[uint32]*incomingFile
}

type incomingFile struct {
	h    wire.FileHeader
	f    *os.File
	size int64
	err  error
}

// maxOpenFiles bounds the files one session may be sending at once.
const maxOpenFiles = 8

func newFileReceiver(w *wire.Writer) *fileReceiver {
	return &fileReceiver{w: w, open: map[uint32]*incomingFile{}}
}

// part takes one SaveFile frame; on the last part of a file it answers where
// the file went.
func (r *fileReceiver) part(p []byte) {
	h, data, err := wire.ParseFile(p)
	if err != nil {
		_ = r.w.WriteFileResult(wire.FileResult{ID: h.ID, Error: err.Error()})
		return
	}
	in := r.open[h.ID]
	if in == nil {
		in = &incomingFile{h: h}
		if len(r.open) >= maxOpenFiles {
			in.err = errors.New("too many files at once")
		} else {
			in.f, in.err = os.CreateTemp(filepath.Dir(clientPath(h.Name)), ".switchboard-*.part")
		}
		r.open[h.ID] = in
	}
	if in.err == nil {
		in.size += int64(len(data))
		if in.size > wire.MaxFileSize {
			in.err = fmt.Errorf("the file is larger than %d MiB", wire.MaxFileSize>>20)
		} else {
			_, in.err = in.f.Write(data)
		}
	}
	if !h.Final {
		return
	}
	delete(r.open, h.ID)
	path, err := in.finish()
	res := wire.FileResult{ID: h.ID, Path: path}
	if err != nil {
		res.Error = err.Error()
	}
	_ = r.w.WriteFileResult(res)
}

// abandon removes files the server never finished (it went away).
func (r *fileReceiver) abandon() {
	for id, in := range r.open {
		if in.f != nil {
			_ = in.f.Close()
			_ = os.Remove(in.f.Name())
		}
		delete(r.open, id)
	}
}

// clientPath is name made absolute against this process's directory.
func clientPath(name string) string {
	if p, err := filepath.Abs(name); err == nil {
		return p
	}
	return name
}

// finish puts the written bytes in place: over an existing file only when the
// header says so, else under the first free name ("x (2).pdf").
func (in *incomingFile) finish() (string, error) {
	target := clientPath(in.h.Name)
	if in.f == nil {
		return "", fmt.Errorf("cannot save %s: %w", in.h.Name, in.err)
	}
	tmp := in.f.Name()
	err := in.err
	if cerr := in.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, fs.FileMode(in.h.Mode)&0o777)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return "", fmt.Errorf("cannot save %s: %w", in.h.Name, err)
	}
	if in.h.Overwrite {
		if err := os.Rename(tmp, target); err != nil {
			_ = os.Remove(tmp)
			return "", fmt.Errorf("cannot save %s: %w", in.h.Name, err)
		}
		return target, nil
	}
	defer os.Remove(tmp)
	ext := filepath.Ext(target)
	stem := strings.TrimSuffix(target, ext)
	for i := 1; i < 1000; i++ {
		p := target
		if i > 1 {
			p = fmt.Sprintf("%s (%d)%s", stem, i, ext)
		}
		// A hard link is made only when p is free: nothing is overwritten.
		err := os.Link(tmp, p)
		if err == nil {
			return p, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", fmt.Errorf("cannot save %s: %w", in.h.Name, err)
		}
	}
	return "", fmt.Errorf("cannot save %s: too many files of that name", in.h.Name)
}

// clientFiles is the server's side for one session: it sends a file to the
// client and waits for where it went.
type clientFiles struct {
	w       *wire.Writer
	mu      sync.Mutex
	next    uint32
	waiting map[uint32]chan wire.FileResult
	gone    bool
}

func newClientFiles(w *wire.Writer) *clientFiles {
	return &clientFiles{w: w, waiting: map[uint32]chan wire.FileResult{}}
}

// errClientGone: the client went away before it said where the file went.
var errClientGone = errors.New("the terminal that asked for the file has gone")

// Save has the client write data as name (relative to its working directory)
// and returns the absolute path it chose. overwrite replaces an existing file;
// otherwise a free name is picked.
func (c *clientFiles) Save(name string, data []byte, mode os.FileMode, overwrite bool) (string, error) {
	c.mu.Lock()
	if c.gone {
		c.mu.Unlock()
		return "", errClientGone
	}
	c.next++
	id := c.next
	ch := make(chan wire.FileResult, 1)
	c.waiting[id] = ch
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.waiting, id)
		c.mu.Unlock()
	}()
	if err := c.w.WriteFile(wire.FileHeader{ID: id, Name: name, Mode: uint32(mode.Perm()), Overwrite: overwrite}, data); err != nil {
		return "", errClientGone
	}
	select {
	case r, ok := <-ch:
		switch {
		case !ok:
			return "", errClientGone
		case r.Error != "":
			return "", errors.New(r.Error)
		}
		return r.Path, nil
	case <-time.After(2 * time.Minute):
		return "", fmt.Errorf("the terminal did not say whether it saved %s", name)
	}
}

// deliver hands a FileSaved frame to the Save waiting for it.
func (c *clientFiles) deliver(p []byte) {
	r, err := wire.ParseFileResult(p)
	if err != nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if ch := c.waiting[r.ID]; ch != nil {
		select {
		case ch <- r:
		default:
		}
	}
}

// close fails every Save still waiting: the client went away.
func (c *clientFiles) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gone = true
	for id, ch := range c.waiting {
		close(ch)
		delete(c.waiting, id)
	}
}
