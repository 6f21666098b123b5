package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// Every file a command reads or writes goes through these helpers: inside the
// server a relative path must resolve against the client's working directory, not
// the server's, and an error must name the file as the user wrote it, so that the
// output is the same whether or not a server runs the command.

// absIn is path made absolute against dir ("" for the process's directory).
func absIn(dir, path string) (string, error) {
	if filepath.IsAbs(path) || dir == "" {
		return filepath.Abs(path)
	}
	return filepath.Join(dir, path), nil
}

// abs is path made absolute against the command's working directory.
func (a *app) abs(path string) (string, error) { return absIn(a.cwd, path) }

// local is the path to hand to the OS for the path a user gave.
func (a *app) local(path string) string {
	if a.cwd == "" || filepath.IsAbs(path) || path == "" {
		return path
	}
	return filepath.Join(a.cwd, path)
}

// asGiven puts the user's spelling of the path back into an OS error.
func asGiven(err error, path string) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		pe.Path = path
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		le.New = path
	}
	return err
}

func (a *app) readFile(name string) ([]byte, error) {
	b, err := os.ReadFile(a.local(name))
	return b, asGiven(err, name)
}

// writeFile writes a file the user named. Inside the server the client
// writes it (in its own directory, with its own permissions): the server only
// sends the bytes.
func (a *app) writeFile(name string, data []byte, perm os.FileMode) error {
	if a.files != nil {
		_, err := a.files.Save(name, data, perm, true)
		return err
	}
	return asGiven(os.WriteFile(a.local(name), data, perm), name)
}

func (a *app) openFile(name string, flag int, perm os.FileMode) (*os.File, error) {
	f, err := os.OpenFile(a.local(name), flag, perm)
	return f, asGiven(err, name)
}

func (a *app) remove(name string) error { return asGiven(os.Remove(a.local(name)), name) }
