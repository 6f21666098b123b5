package store_test

import "os"

var testTempRoot = os.TempDir()

func mkdirAll(d string) error {
	_ = os.RemoveAll(d)
	return os.MkdirAll(d, 0o700)
}
