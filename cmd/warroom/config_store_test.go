package main

import (
	"bytes"
	"strings"
	"testing"
)

// store.driver postgres takes a postgres:// URL naming a host and a
// database; the problems never repeat the password.
func TestStoreConfigPostgres(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		env     []string
		wantErr []string // each must be in the error; none: the config is valid
	}{
		{name: "postgres URL", file: "store:\n  driver: postgres\n  dsn: postgres://warroom@db.example.com:5432/warroom?sslmode=verify-full\n"},
		{name: "postgresql scheme, no port, no sslmode", file: "store: {driver: postgres, dsn: 'postgresql://warroom@db/warroom'}\n"},
		{name: "DSN from the environment", file: "store:\n  driver: postgres\n",
			env: []string{"WARROOM_STORE_DSN=postgres://warroom:hunter2-long@db:5432/warroom?sslmode=require"}},
		{name: "driver and DSN from the environment",
			env: []string{"WARROOM_STORE_DRIVER=postgres", "WARROOM_STORE_DSN=postgres://warroom@db/warroom"}},
		{name: "sqlite keeps its path", file: "store:\n  driver: sqlite\n  dsn: /var/lib/warroom/warroom.db\n"},
		{name: "postgres without a DSN", file: "store:\n  driver: postgres\n",
			wantErr: []string{"line 1: store.dsn: not set for store.driver postgres; write postgres://"}},
		{name: "not a URL", file: "store: {driver: postgres, dsn: 'host=db dbname=warroom'}\n",
			wantErr: []string{"store.dsn: is not a postgres:// URL"}},
		{name: "wrong scheme", file: "store: {driver: postgres, dsn: 'mysql://db/warroom'}\n",
			wantErr: []string{"store.dsn: is not a postgres:// URL"}},
		{name: "no host, no database", file: "store: {driver: postgres, dsn: 'postgres://warroom:pw-1234567@/'}\n",
			wantErr: []string{"names no host", "names no database", "postgres://warroom:xxxxx@/"}},
		{name: "bad sslmode", file: "store: {driver: postgres, dsn: 'postgres://db/warroom?sslmode=on'}\n",
			wantErr: []string{`sslmode "on"; use one of disable, allow, prefer, require, verify-ca, verify-full`}},
		{name: "sample password", env: []string{"WARROOM_STORE_DRIVER=postgres", "WARROOM_STORE_DSN=postgres://warroom:change-me@db/warroom"},
			wantErr: []string{"WARROOM_STORE_DSN: store.dsn: the password is a sample value"}},
		{name: "pool size from the environment", file: "store:\n  driver: postgres\n  dsn: postgres://warroom@db/warroom\n",
			env: []string{"WARROOM_STORE_MAX_CONNS=4"}},
		{name: "pool too small", file: "store:\n  driver: postgres\n  dsn: postgres://warroom@db/warroom\n  max_conns: 1\n",
			wantErr: []string{"line 4: store.max_conns: 1; use 2 to 500"}},
		{name: "unknown driver", file: "store: {driver: mysql}\n", wantErr: []string{`store.driver: "mysql"; use sqlite (one machine) or postgres`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.file != "" {
				path = writeConfig(t, tt.file)
			}
			_, _, err := loadConfig(path, tt.env)
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted; want %q", tt.wantErr)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			for _, pw := range []string{"pw-1234567", "change-me"} {
				if strings.Contains(err.Error(), pw) && !strings.Contains(err.Error(), "sample value") {
					t.Errorf("error %q repeats the password", err)
				}
			}
		})
	}
}

// check-config says which store is in use and where, the password masked;
// serve names the PostgreSQL it cannot reach, the password masked too.
func TestCheckConfigNamesTheStore(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		env      []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{"sqlite", []string{"check-config"}, []string{"WARROOM_STORE_DSN=/var/lib/warroom/warroom.db"}, 0,
			"store: sqlite, file /var/lib/warroom/warroom.db (one process owns it: a single replica)", ""},
		{"postgres, password masked", []string{"check-config"},
			[]string{"WARROOM_STORE_DRIVER=postgres", "WARROOM_STORE_DSN=postgres://warroom:hunter2-long@db.example.com:5432/warroom?sslmode=verify-full"}, 0,
			"store: postgres, postgres://warroom:xxxxx@db.example.com:5432/warroom?sslmode=verify-full (several replicas may share it), at most 20 connections from this replica", ""},
		{"postgres, pool size", []string{"check-config"},
			[]string{"WARROOM_STORE_DRIVER=postgres", "WARROOM_STORE_DSN=postgres://warroom@db/warroom", "WARROOM_STORE_MAX_CONNS=6"}, 0,
			"at most 6 connections from this replica", ""},
		{"postgres, password parameter masked", []string{"check-config"},
			[]string{"WARROOM_STORE_DRIVER=postgres", "WARROOM_STORE_DSN=postgres://warroom@db/warroom?password=hunter2-long"}, 0,
			"store: postgres, postgres://warroom@db/warroom?password=xxxxx", ""},
		{"serve says which PostgreSQL it cannot reach, password masked", []string{"serve"},
			[]string{"WARROOM_STORE_DRIVER=postgres", "WARROOM_STORE_DSN=postgres://warroom:hunter2-long@127.0.0.1:1/warroom?sslmode=disable", "WARROOM_LISTEN=127.0.0.1:0"}, 1,
			"", "open the PostgreSQL store postgres://warroom:xxxxx@127.0.0.1:1/warroom?sslmode=disable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(t.Context(), tt.args, tt.env, &out, &errOut)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, out.String(), errOut.String())
			}
			if !strings.Contains(out.String(), tt.wantOut) || !strings.Contains(errOut.String(), tt.wantErr) {
				t.Errorf("stdout %q (want %q), stderr %q (want %q)", out.String(), tt.wantOut, errOut.String(), tt.wantErr)
			}
			if strings.Contains(out.String()+errOut.String(), "hunter2") {
				t.Errorf("the password is printed: %s%s", out.String(), errOut.String())
			}
		})
	}
}
