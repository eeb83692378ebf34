package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// Every problem of actions: is reported at once, each with its line, its
// key path and what to write.
func TestActionConfigProblems(t *testing.T) {
	t.Setenv("TEST_ACTION_TOKEN", "")
	file := `groups:
  dba: [alice]
actions:
  - name: restart-db
    description: restart the database
    groups: [dba, dbas]
    params:
      - name: host
    command:
      path: /bin/echo
      args: ["{{.Params.hots}}"]
  - name: restart-db
    description: again
    users: [bob]
    timeout: 2h
    secrets: [TEST_ACTION_TOKEN]
    http:
      url: "http://x/{{secret \"TEST_ACTION_TOKEN\"}}"
  - name: nothing
    description: does nothing
    users: [bob]
    params:
      - name: mode
        pattern: "[a-z]+"
        allowed: [fast, Slow]
`
	path := filepath.Join(t.TempDir(), "w.yaml")
	if err := os.WriteFile(path, []byte(file), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := loadConfig(path, nil)
	got := problemLines(err)
	want := []string{
		`line 6: actions[0].groups[1]: no group "dbas"; define it under groups: (groups: {dbas: [alice, bob]})`,
		`line 8: actions[0].params[0].pattern: empty, and no allowed values: say what a value may be (pattern: '[a-z0-9-]+', or allowed: [a, b])`,
		`line 11: actions[0].command.args[0]: names .Params.hots, which the action does not declare`,
		`line 12: actions[1].name: "restart-db" is the name of an earlier action too; give each action its own name`,
		`line 15: actions[1].timeout: 2h0m0s; use a duration up to 1h0m0s`,
		`line 16: actions[1].secrets[0]: TEST_ACTION_TOKEN is not set in warroom's environment; set it there (never in the file)`,
		`line 19: actions[2].http: the action does nothing; give it http: or command:`,
		`line 25: actions[2].params[0].allowed: "Slow" does not match the pattern`,
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", join(got), join(want))
	}
}

func join(lines []string) string {
	out := ""
	for _, l := range lines {
		out += "  " + l + "\n"
	}
	return out
}
