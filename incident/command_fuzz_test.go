package incident

import (
	"strings"
	"testing"
)

// FuzzParseCommand: any text is a known command with its argument trimmed
// (and present when the command needs one), or a KindInvalid error; a
// parsed command parses again to itself. The seeds are the commands of the
// help text and those under testdata/fuzz/FuzzParseCommand.
func FuzzParseCommand(f *testing.F) {
	for _, line := range strings.Split(HelpText(), "\n") {
		f.Add(strings.TrimSpace(strings.SplitN(line, "—", 2)[0]))
	}
	f.Fuzz(func(t *testing.T, text string) {
		cmd, err := ParseCommand(text)
		if err != nil {
			if ErrorKind(err) != KindInvalid || !strings.Contains(err.Error(), "/incident") {
				t.Fatalf("ParseCommand(%q) error %v: want a KindInvalid error that points at /incident help or the usage", text, err)
			}
			return
		}
		spec, ok := theCommands().byName[cmd.Name]
		if !ok {
			t.Fatalf("ParseCommand(%q) = unknown command %q", text, cmd.Name)
		}
		if cmd.Arg != strings.TrimSpace(cmd.Arg) || (spec.needArg && cmd.Arg == "") {
			t.Fatalf("ParseCommand(%q) = %+v: argument untrimmed or missing", text, cmd)
		}
		again, err := ParseCommand(strings.TrimSpace(cmd.Name + " " + cmd.Arg))
		if err != nil || again != cmd {
			t.Fatalf("ParseCommand(%q) = %+v, which parses again to %+v, %v", text, cmd, again, err)
		}
	})
}
