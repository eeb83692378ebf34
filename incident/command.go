package incident

import (
	"context"
	"fmt"
	"strings"
)

// Command is one parsed /incident command.
type Command struct {
	Name string // help, ack, resolve, status, severity, note, close
	Arg  string // the rest of the line, trimmed
}

// commandSpec describes a command for the parser and for help.
type commandSpec struct {
	usage   string
	help    string
	needArg bool
}

var commands = map[string]commandSpec{
	"help":     {usage: "help", help: "show this help"},
	"ack":      {usage: "ack", help: "acknowledge: you are on it"},
	"resolve":  {usage: "resolve [reason]", help: "the problem is gone; the channel stays open"},
	"status":   {usage: "status <text>", help: "post a status update", needArg: true},
	"severity": {usage: "severity <level>", help: "change severity (critical, high, warning, info)", needArg: true},
	"note":     {usage: "note <text>", help: "add a note to the timeline", needArg: true},
	"runbook":  {usage: "runbook", help: "show the incident's runbook"},
	"graph":    {usage: "graph <promql> [range]", help: "post a graph of a Prometheus query (range like 30m, 6h; default 1h)", needArg: true},
	"page":     {usage: "page <@user|schedule:name>", help: "page someone by hand", needArg: true},
	"oncall":   {usage: "oncall", help: "who is on call now and next"},
	"close":    {usage: "close [reason]", help: "close: archive the transcript, then delete the channel"},
}

var commandOrder = []string{"help", "ack", "status", "severity", "note", "runbook", "graph", "page", "oncall", "resolve", "close"}

// ParseCommand reads the text after the trigger word ("/incident" or
// "!incident" are stripped if present). An empty text means help.
func ParseCommand(text string) (Command, error) {
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
	spec, ok := commands[name]
	if !ok {
		return Command{}, Errorf(KindInvalid, "unknown command %q; try /incident help", name)
	}
	arg = strings.TrimSpace(arg)
	if spec.needArg && arg == "" {
		return Command{}, Errorf(KindInvalid, "%s needs an argument: /incident %s", name, spec.usage)
	}
	return Command{Name: name, Arg: arg}, nil
}

// HelpText lists the commands.
func HelpText() string {
	var b strings.Builder
	b.WriteString("Commands, typed in an incident channel:\n")
	for _, name := range commandOrder {
		fmt.Fprintf(&b, "- `/incident %s`: %s\n", commands[name].usage, commands[name].help)
	}
	return b.String()
}

// CommandRequest is a command typed in, or a button pressed in, a channel.
type CommandRequest struct {
	Backend   string // which chat backend it came from
	ChannelID string // the channel it was typed in
	Actor     string // who typed it (username)
	Text      string // the command line
}

// Reply is what the backend shows the person who ran the command. Public
// replies go to the whole channel; the rest only to the person.
type Reply struct {
	Text   string
	Public bool
	Failed bool
}

// RunCommand parses and runs a command: the one set of handlers every chat
// backend shares. Errors a person caused become a Reply; only failures of
// warroom itself are returned as errors.
func (s *Service) RunCommand(ctx context.Context, req CommandRequest) (Reply, error) {
	cmd, err := ParseCommand(req.Text)
	if err != nil {
		return failed(err)
	}
	if cmd.Name == "help" {
		return Reply{Text: HelpText()}, nil
	}
	if cmd.Name == "oncall" {
		if s.onCall == nil {
			return Reply{Text: "No on-call schedules: add them under paging.schedules.", Failed: true}, nil
		}
		return Reply{Text: s.onCall.Describe(s.clock.Now())}, nil
	}
	inc, err := s.commandIncident(ctx, req, &cmd)
	if err != nil {
		if ErrorKind(err) == KindNotFound {
			return Reply{Text: "This channel belongs to no incident: run /incident commands in an incident's own channel, or name it: /incident " + cmd.Name + " INC-42", Failed: true}, nil
		}
		return Reply{}, err
	}
	var text string
	switch cmd.Name {
	case "ack":
		_, err = s.Ack(ctx, inc.Key, req.Actor)
		text = fmt.Sprintf("%s acknowledged by @%s.", inc.Key, req.Actor)
	case "resolve":
		_, err = s.Resolve(ctx, inc.Key, req.Actor, cmd.Arg)
		text = fmt.Sprintf("%s resolved by @%s.", inc.Key, req.Actor)
	case "status":
		_, err = s.UpdateStatus(ctx, inc.Key, req.Actor, cmd.Arg)
		text = "Status update recorded."
	case "severity":
		var sev Severity
		if sev, err = ParseSeverity(cmd.Arg); err == nil {
			_, err = s.SetSeverity(ctx, inc.Key, req.Actor, sev)
		}
		text = fmt.Sprintf("%s severity is now %s.", inc.Key, sev)
	case "note":
		_, err = s.AddNote(ctx, inc.Key, req.Actor, cmd.Arg)
		text = "Note added to the timeline."
	case "runbook":
		return s.runbookReply(ctx, inc), nil
	case "graph":
		return s.chat.graphCommand(ctx, inc, req.Actor, cmd.Arg)
	case "page":
		return s.pageCommand(ctx, inc, req.Actor, cmd.Arg)
	case "close":
		_, err = s.Close(ctx, inc.Key, req.Actor, cmd.Arg)
		text = fmt.Sprintf("%s closed by @%s. Archiving the transcript; the channel is deleted once the archive is verified.", inc.Key, req.Actor)
	}
	if err != nil {
		return failed(err)
	}
	return Reply{Text: text}, nil
}

func failed(err error) (Reply, error) {
	switch ErrorKind(err) {
	case KindInvalid, KindConflict, KindNotFound:
		return Reply{Text: ErrorMessage(err), Failed: true}, nil
	}
	return Reply{}, err
}

// runbookReply shows the matched runbook, or the runbook links, or says
// that there is none and how to add one.
func (s *Service) runbookReply(ctx context.Context, inc *Incident) Reply {
	if rb, ok := s.runbooks.findAny(ctx, inc, s.router.Route(inc.Labels).Runbook); ok {
		return Reply{Text: "**Runbook: " + rb.Title + "**\n\n" + rb.Body}
	}
	var links []string
	for _, l := range inc.Links {
		if l.Title == "Runbook" {
			links = append(links, l.URL)
		}
	}
	if len(links) > 0 {
		return Reply{Text: "Runbook: " + strings.Join(links, " ")}
	}
	return Reply{Text: "No runbook matches " + inc.Key + ": add one to runbooks.dir with front matter naming its alertname, service or labels, or set a runbook_url annotation on the alert."}
}

// commandIncident finds the incident a command is about: one named as its
// first argument ("ack INC-42", as a page's direct message says), else the
// channel's.
func (s *Service) commandIncident(ctx context.Context, req CommandRequest, cmd *Command) (*Incident, error) {
	first, rest, _ := strings.Cut(cmd.Arg, " ")
	if strings.HasPrefix(strings.ToUpper(first), KeyPrefix) {
		if _, err := ParseKey(first); err == nil {
			inc, err := s.Get(ctx, first)
			if err != nil {
				return nil, err
			}
			cmd.Arg = strings.TrimSpace(rest)
			return inc, nil
		}
	}
	return s.ByChannel(ctx, req.Backend, req.ChannelID)
}
