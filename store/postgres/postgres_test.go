package postgres_test

import (
	"context"
	"testing"

	"switchboard/core"
	"switchboard/store/postgres"
	"switchboard/store/postgres/pgtest"
	"switchboard/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func open(t *testing.T) *postgres.Postgres {
	t.Helper()
	st, err := postgres.Open(context.Background(), pgtest.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestConformance (issue 21): the PostgreSQL store passes the suite the
// bbolt store passes, each test on a database of its own in a throw-away
// cluster.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) core.Store { return open(t) })
}
