package postgres_test

import (
	"fmt"
	"testing"

	"github.com/warroom/warroom/incident/postgres/pgtest"
	"github.com/warroom/warroom/incident/storetest"
)

// BenchmarkStoreClaim is storetest.BenchClaim on PostgreSQL; the same
// benchmark runs in incident/sqlite.
//
//	go test ./incident/postgres/ -run XXX -bench StoreClaim -benchtime 2000x
func BenchmarkStoreClaim(b *testing.B) {
	for _, n := range []int{0, 10000} {
		b.Run(fmt.Sprintf("pending=%d", n), func(b *testing.B) {
			storetest.BenchClaim(b, openDSN(b, pgtest.Database(b), &storetest.Clock{}), n)
		})
	}
}

// BenchmarkStoreClaimWorkers is storetest.BenchClaimWorkers on PostgreSQL:
// 16 workers on one store, and on three replicas of one database.
func BenchmarkStoreClaimWorkers(b *testing.B) {
	for _, replicas := range []int{1, 3} {
		b.Run(fmt.Sprintf("replicas=%d", replicas), func(b *testing.B) {
			dsn := pgtest.Database(b)
			var stores []storetest.Store
			for range replicas {
				stores = append(stores, openDSN(b, dsn, &storetest.Clock{}))
			}
			storetest.BenchClaimWorkers(b, stores, 16)
		})
	}
}

// BenchmarkStoreSharedCore is storetest.BenchSharedCore on PostgreSQL.
//
//	go test ./incident/postgres/ -run XXX -bench StoreSharedCore -benchtime 2000x
func BenchmarkStoreSharedCore(b *testing.B) {
	storetest.BenchSharedCore(b, openDSN(b, pgtest.Database(b), &storetest.Clock{}))
}
