package main

import (
	"os"
	"testing"

	"github.com/warroom/warroom/incident/postgres/pgtest"
)

// TestMain stops the PostgreSQL cluster the tests' databases live on
// (pgtest.Database) once every test has run.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
