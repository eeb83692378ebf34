package incident

import (
	"context"
	"fmt"
	"strings"
	"sync"
)

// Command is one parsed /incident command.
type Command struct {
	Name string // a registered command: help, ack, resolve, status, ...
	Arg  string // the rest of the line, trimmed
}

// commandSpec is one /incident command: how it parses, what help says of
// it, and what runs it. Each topic declares its commands in its own file
// (command_<topic>.go) and adds one line to commandGroups.
type commandSpec struct {
	name    string
	usage   string // what to type, after "/incident "
	help    string // one line
	needArg bool   // refuse the command without an argument
	// global commands run anywhere, about no incident (help, oncall).
	global bool
	// keyArg commands take another incident's key as their argument: it
	// does not name the incident the command is about (merge, split).
	keyArg bool
	run    func(s *Service, ctx context.Context, call commandCall) (Reply, error)
}

// commandCall is one command being run: what was typed, by whom, where,
// about which incident (nil for a global command) and its argument.
type commandCall struct {
	Req CommandRequest
	Inc *Incident
	Arg string
}

// commandGroups lists every topic's commands in the order help shows them.
// A new topic adds one line.
func commandGroups() [][]commandSpec {
	return [][]commandSpec{
		coreCommands(),
		lifecycleCommands(),
		contextCommands(),
		roleCommands(),
		reopenCommands(),
		runCommands(),
		groupingCommands(),
		closeCommands(),
		silenceCommands(),
		downtimeCommands(),
		declareCommands(),
		followupCommands(),
	}
}

// commandSet is the registry of commands, by name and in help's order.
type commandSet struct {
	byName map[string]commandSpec
	order  []string
}

func newCommandSet() *commandSet {
	set := &commandSet{byName: map[string]commandSpec{}}
	for _, group := range commandGroups() {
		for _, spec := range group {
			if _, dup := set.byName[spec.name]; dup || spec.run == nil {
				panic("incident: command " + spec.name + " registered twice or without a handler")
			}
			set.byName[spec.name] = spec
			set.order = append(set.order, spec.name)
		}
	}
	return set
}

// theCommands is built once; handlers reach it through Service.commands.
var theCommands = sync.OnceValue(newCommandSet)

// ParseCommand reads the text after the trigger word ("/incident" or
// "!incident" are stripped if present). An empty text means help.
func ParseCommand(text string) (Command, error) { return theCommands().parse(text) }

// HelpText lists the commands.
func HelpText() string { return theCommands().helpText() }

func (set *commandSet) parse(text string) (Command, error) {
	text = strings.TrimSpace(text)
	for _, trigger := range []string{"/incident", "!incident"} {
		if rest, ok := strings.CutPrefix(text, trigger); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
			text = strings.TrimSpace(rest)
		}
	}
	if text == "" {
		return Command{Name: "help"}, nil
	}
	name, arg, _ := strings.Cut(text, " ")
	name = strings.ToLower(name)
	spec, ok := set.byName[name]
	if !ok {
		return Command{}, Errorf(KindInvalid, "unknown command %q; try /incident help", name)
	}
	arg = strings.TrimSpace(arg)
	if spec.needArg && arg == "" {
		return Command{}, Errorf(KindInvalid, "%s needs an argument: /incident %s", name, spec.usage)
	}
	return Command{Name: name, Arg: arg}, nil
}

func (set *commandSet) helpText() string {
	var b strings.Builder
	b.WriteString("Commands, typed in an incident channel:\n")
	for _, name := range set.order {
		fmt.Fprintf(&b, "- `/incident %s`: %s\n", set.byName[name].usage, set.byName[name].help)
	}
	return b.String()
}

// CommandRequest is a command typed in, or a button pressed in, a channel,
// or sent through the commands API.
type CommandRequest struct {
	Backend   string // which chat backend it came from; empty for the API
	ChannelID string // the channel it was typed in
	Actor     string // who typed it (username)
	Text      string // the command line
	// IncidentKey, when set, names the incident the command is about (the
	// commands API); otherwise it is the channel's, or one named as the
	// first argument ("ack INC-42").
	IncidentKey string
}

// Reply is what the backend shows the person who ran the command. Public
// replies go to the whole channel; the rest only to the person.
type Reply struct {
	Text   string
	Public bool
	Failed bool
	// Kind says why a failed command failed (KindInvalid when unset), so
	// that the commands API answers with the status of that kind.
	Kind Kind
}

// RunCommand parses and runs a command: the one set of handlers every chat
// backend and the commands API share. Errors a person caused become a
// Reply; only failures of warroom itself are returned as errors.
func (s *Service) RunCommand(ctx context.Context, req CommandRequest) (Reply, error) {
	cmd, err := s.commands.parse(req.Text)
	if err != nil {
		return failed(err)
	}
	spec := s.commands.byName[cmd.Name]
	call := commandCall{Req: req, Arg: cmd.Arg}
	if !spec.global {
		lookup := cmd
		if spec.keyArg {
			lookup.Arg = ""
		}
		if call.Inc, call.Arg, err = s.commandIncident(ctx, req, lookup); err != nil {
			if ErrorKind(err) == KindNotFound {
				return failed(err)
			}
			return Reply{}, err
		}
		if spec.keyArg {
			call.Arg = cmd.Arg
		}
	}
	return spec.run(s, ctx, call)
}

// failed turns a mistake of the person into a failed Reply; anything else
// stays an error.
func failed(err error) (Reply, error) {
	switch kind := ErrorKind(err); kind {
	case KindInvalid, KindConflict, KindNotFound:
		return Reply{Text: ErrorMessage(err), Failed: true, Kind: kind}, nil
	}
	return Reply{}, err
}

// done answers a command that changed something: text on success, the
// failure otherwise.
func done(text string, err error) (Reply, error) {
	if err != nil {
		return failed(err)
	}
	return Reply{Text: text}, nil
}

// commandIncident finds the incident a command is about: the request's
// IncidentKey, else one named as its first argument ("ack INC-42", as a
// page's direct message says), else the channel's. It returns the
// argument without the key.
func (s *Service) commandIncident(ctx context.Context, req CommandRequest, cmd Command) (*Incident, string, error) {
	first, rest, _ := strings.Cut(cmd.Arg, " ")
	named := namedKey(first)
	if req.IncidentKey != "" {
		inc, err := s.Get(ctx, req.IncidentKey)
		switch {
		case err != nil:
			return nil, "", err
		case named == inc.ID:
			return inc, strings.TrimSpace(rest), nil
		case named != 0:
			return nil, "", Errorf(KindInvalid, "the command names %s but is sent to %s: send it to %s's commands, or leave the key out", FormatKey(named), inc.Key, FormatKey(named))
		}
		return inc, cmd.Arg, nil
	}
	if named != 0 {
		inc, err := s.store.Incident(ctx, named)
		if ErrorKind(err) == KindNotFound {
			return nil, "", Errorf(KindNotFound, "%s does not exist: /incident %s takes the key of an existing incident, or none in an incident's own channel", FormatKey(named), cmd.Name)
		}
		return inc, strings.TrimSpace(rest), err
	}
	inc, err := s.ByChannel(ctx, req.Backend, req.ChannelID)
	if ErrorKind(err) == KindNotFound {
		return nil, "", Errorf(KindNotFound, "this channel belongs to no incident: run /incident commands in an incident's own channel, or name it: /incident %s INC-42", cmd.Name)
	}
	return inc, cmd.Arg, err
}

// namedKey is the ID of an incident key ("INC-42", any case) given as a
// command's first word, or 0 when it is not one.
func namedKey(word string) int64 {
	if !strings.HasPrefix(strings.ToUpper(word), KeyPrefix) {
		return 0
	}
	id, err := ParseKey(word)
	if err != nil {
		return 0
	}
	return id
}
