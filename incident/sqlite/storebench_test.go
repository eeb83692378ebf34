package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/warroom/warroom/incident/sqlite"
	"github.com/warroom/warroom/incident/storetest"
)

func openBench(b *testing.B) *sqlite.DB {
	b.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "w.db"), &storetest.Clock{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// BenchmarkStoreClaim is storetest.BenchClaim on SQLite, the floor the
// same benchmark on PostgreSQL (incident/postgres) is set against.
//
//	go test ./incident/sqlite/ -run XXX -bench StoreClaim -benchtime 2000x
func BenchmarkStoreClaim(b *testing.B) {
	for _, n := range []int{0, 10000} {
		b.Run(fmt.Sprintf("pending=%d", n), func(b *testing.B) {
			storetest.BenchClaim(b, openBench(b), n)
		})
	}
}

// BenchmarkStoreClaimWorkers is storetest.BenchClaimWorkers on SQLite: 16
// workers on the one store (SQLite has no replicas).
func BenchmarkStoreClaimWorkers(b *testing.B) {
	b.Run("replicas=1", func(b *testing.B) {
		storetest.BenchClaimWorkers(b, []storetest.Store{openBench(b)}, 16)
	})
}

// BenchmarkStoreSharedCore is storetest.BenchSharedCore on SQLite.
//
//	go test ./incident/sqlite/ -run XXX -bench StoreSharedCore -benchtime 2000x
func BenchmarkStoreSharedCore(b *testing.B) { storetest.BenchSharedCore(b, openBench(b)) }
