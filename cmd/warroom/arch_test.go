package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportDirections keeps the layout honest: the domain imports only the
// standard library, archive only the domain, an integration never another
// integration nor web nor cmd, a store no integration but builtin (whose
// storage port it implements), the stores' shared SQL only the domain and archive
// (the drivers' vendor types stay in them), and web never an integration.
func TestImportDirections(t *testing.T) {
	const mod = "github.com/warroom/warroom/"
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "../../...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, imports := strings.TrimPrefix(fields[0], mod), fields[1:]
		for _, imp := range imports {
			own := strings.HasPrefix(imp, mod)
			dep := strings.TrimPrefix(imp, mod)
			std := !strings.Contains(strings.SplitN(imp, "/", 2)[0], ".")
			switch {
			case pkg == "incident" && !std:
				t.Errorf("incident imports %s: the domain takes the standard library only", imp)
			case pkg == "incident/escalation" && !std && dep != "incident":
				t.Errorf("incident/escalation imports %s: it takes the standard library and the domain only", imp)
			case pkg == "integrations/pagehook" && !std && dep != "incident" && dep != "incident/escalation" && dep != "integrations/internal/httpclass":
				t.Errorf("integrations/pagehook imports %s: it takes the standard library, the domain and the shared classifier only", imp)
			case pkg == "incident/singleton" && !std && dep != "incident":
				t.Errorf("incident/singleton imports %s: it takes the standard library and the domain only", imp)
			case pkg == "archive" && !std && dep != "incident":
				t.Errorf("archive imports %s: it may import the domain only", imp)
			case (pkg == "incident/chattest" || pkg == "incident/tickettest") && !std && dep != "incident":
				t.Errorf("%s imports %s: a port's conformance suite takes the domain and the standard library only", pkg, imp)
			case pkg == "archive/archivetest" && !std && dep != "incident" && dep != "archive":
				t.Errorf("archive/archivetest imports %s: it may import the domain and archive only", imp)
			case strings.HasPrefix(pkg, "integrations/") && own && (strings.HasPrefix(dep, "web") || strings.HasPrefix(dep, "cmd") ||
				(strings.HasPrefix(dep, "integrations/") && !strings.HasPrefix(dep, "integrations/internal/") &&
					!strings.HasPrefix(dep, pkg) && !strings.HasPrefix(pkg, dep))):
				t.Errorf("%s imports %s: an integration imports only the domain and its own SDK", pkg, imp)
			case own && strings.HasSuffix(dep, "/httpclass") && !strings.HasPrefix(pkg, "integrations/"): // wherever it moves
				t.Errorf("%s imports %s: only integrations classify what an outside system answered", pkg, imp)
			case pkg == "incident/internal/sqlstore" && !std && dep != "incident" && dep != "archive":
				t.Errorf("incident/internal/sqlstore imports %s: the stores' shared SQL takes the standard library, the domain and archive (the transcripts' port) only", imp)
			case pkg == "incident/postgres/pgtest" && !std:
				t.Errorf("incident/postgres/pgtest imports %s: the test cluster takes the standard library only", imp)
			case pkg == "incident/storetest" && !std && dep != "incident" && dep != "archive":
				t.Errorf("incident/storetest imports %s: a port's conformance suite takes the domain, archive and the standard library only", imp)
			case (pkg == "incident/sqlite" || pkg == "incident/postgres") && strings.HasPrefix(dep, "integrations/") && dep != "integrations/builtin":
				t.Errorf("%s imports %s: a store imports no integration but builtin, whose storage port it implements", pkg, imp)
			case strings.HasPrefix(pkg, "web") && own && strings.HasPrefix(dep, "integrations/"):
				t.Errorf("web imports %s: cmd hands web the integrations' handlers", imp)
			}
		}
	}
}
