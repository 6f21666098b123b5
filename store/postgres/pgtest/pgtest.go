// Package pgtest gives tests a throw-away PostgreSQL cluster (pgcluster in a
// temporary directory), one per test binary, and each test a database of
// its own. Nothing is mocked.
package pgtest

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"switchboard/store/postgres/pgcluster"
)

var (
	once    sync.Once
	cluster *pgcluster.Cluster
	initErr error
	dbs     atomic.Int64
)

// Shared returns the test binary's cluster, starting it on first use. Under
// CI=true a missing PostgreSQL fails the test; elsewhere it skips.
func Shared(tb testing.TB) *pgcluster.Cluster {
	tb.Helper()
	once.Do(func() { cluster, initErr = pgcluster.StartTemp() })
	if initErr != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("PostgreSQL for the tests: %v", initErr)
		}
		tb.Skipf("PostgreSQL for the tests: %v", initErr)
	}
	return cluster
}

// DB returns the DSN of a new database on the shared cluster.
func DB(tb testing.TB) string {
	tb.Helper()
	c := Shared(tb)
	name := fmt.Sprintf("t%d_%s", dbs.Add(1), strings.ToLower(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, tb.Name())))
	if len(name) > 60 {
		name = name[:60]
	}
	dsn, err := c.CreateDB(name)
	if err != nil {
		tb.Fatal(err)
	}
	return dsn
}

// Main runs a package's tests and then stops the shared cluster, if one was
// started: call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	StopShared()
	os.Exit(code)
}

// StopShared stops the shared cluster if one was started.
func StopShared() {
	if cluster != nil {
		cluster.Stop()
	}
}
