package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
)

//go:embed ui/*.html
var uiFiles embed.FS

//go:embed static
var staticFiles embed.FS

type uiTemplates struct {
	pages map[string]*template.Template
}

func parseUI(now func() time.Time) (*uiTemplates, error) {
	names, err := fs.Glob(uiFiles, "ui/*.html")
	if err != nil {
		return nil, err
	}
	t := &uiTemplates{pages: map[string]*template.Template{}}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "ui/"), ".html")
		if base == "layout" {
			continue
		}
		page, err := template.New("layout.html").Funcs(uiFuncs(now)).ParseFS(uiFiles, "ui/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("parse UI page %s: %w", n, err)
		}
		t.pages[base] = page
	}
	return t, nil
}

// page is what every UI page template receives.
type page struct {
	Title   string
	User    string
	CSRF    string // the session's token, a hidden field of every form
	Builtin bool
	Notice  string
	Error   string
	Reply   *reply // the answer to what this person just did, for the page to place
	Data    any
}

// pagesWithReplies place a reply themselves (in the log, beside the
// actions); every other page shows it as a banner.
var pagesWithReplies = map[string]bool{"channel": true, "incident": true}

func (s *Server) render(w http.ResponseWriter, r *http.Request, name, title string, data any) {
	s.renderStatus(w, r, http.StatusOK, name, title, data)
}

// renderStatus renders a page with its status code; the headers (type,
// CSP, framing) go out with the status, so error pages carry them too.
func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, code int, name, title string, data any) {
	var buf bytes.Buffer
	p := page{Title: title, User: s.uiUser(r), Builtin: s.Chat != nil, Data: data}
	if sess := sessionOf(r); sess != nil {
		p.CSRF = sess.csrf
	}
	tmpl := s.ui.pages[name]
	exec := "layout.html"
	if strings.HasSuffix(name, "_fragment") {
		exec = "fragment"
	} else {
		// Banners come from the session, never from the URL: a link
		// cannot put words in warroom's mouth.
		p.Notice, p.Error, p.Reply = s.takeFlash(r)
		if p.Reply != nil && !pagesWithReplies[name] {
			if p.Reply.Failed {
				p.Error = p.Reply.Text
			} else {
				p.Notice = p.Reply.Text
			}
			p.Reply = nil
		}
		if m, ok := data.(map[string]any); ok && p.Reply != nil {
			m["Reply"] = p.Reply // where the page's own templates place it
		}
	}
	if err := tmpl.ExecuteTemplate(&buf, exec, p); err != nil {
		s.log.Error("render page", "page", name, "err", err)
		http.Error(w, "could not render the page; see warroom's log", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self'; script-src 'self'")
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}

// errorView is what an error page says: what went wrong, and links to
// what the person can do next.
type errorView struct {
	Message string
	Next    []link
}

// link is a place an error page offers to go next.
type link struct{ Href, Text string }

// uiError shows an error page with the status the error maps to.
func (s *Server) uiError(w http.ResponseWriter, r *http.Request, err error) {
	code := statusOf(err)
	if code >= 500 {
		s.log.Error("UI request failed", "path", r.URL.Path, "err", err)
	}
	v := errorView{Message: incident.ErrorMessage(err), Next: []link{{"/incidents", "Back to the incidents"}}}
	switch code {
	case http.StatusUnauthorized:
		v.Next = []link{{"/login", "Sign in"}}
	case http.StatusForbidden:
		v.Next = []link{{"/incidents", "Back to the incidents, to try again from a fresh page"}}
	}
	s.renderStatus(w, r, code, "error", http.StatusText(code), v)
}

func (s *Server) uiRoutes(r chi.Router) {
	static, _ := fs.Sub(staticFiles, "static")
	r.Handle("/static/*", http.StripPrefix("/static/", http.FileServerFS(static)))
	r.Get("/", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/incidents", http.StatusSeeOther) })
	r.Group(func(r chi.Router) {
		r.Use(s.withSession)
		r.Get("/login", s.loginPage)
		r.Post("/login", s.login)
		r.Post("/logout", s.logout)
	})
	r.Group(func(r chi.Router) {
		r.Use(s.withSession, s.requireUIUser)
		r.Get("/incidents", s.incidentsPage)
		r.Get("/search", s.searchPage)
		r.Post("/incidents", s.declarePage)
		r.Get("/incidents/{key}", s.incidentPage)
		r.Post("/incidents/{key}/command", s.incidentCommand)
		r.Get("/incidents/{key}/transcript.{format}", s.transcriptDownload)
		r.Get("/incidents/{key}/documents/*", s.document)
		if s.Chat != nil {
			r.Get("/channels", s.channelsPage)
			r.Get("/channels/{id}", s.channelPage)
			r.Get("/channels/{id}/log", s.channelLog)
			r.Post("/channels/{id}/messages", s.channelSay)
			r.Post("/channels/{id}/messages/{msg}/pin", s.channelPin)
			r.Post("/channels/{id}/command", s.channelButton)
			r.Get("/channels/{id}/files/{file}", s.channelFile)
		}
	})
}

// requireUIUser sends anyone without a (valid) sign-in to the login page.
func (s *Server) requireUIUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.uiUser(r) == "" {
			if r.Method != http.MethodGet {
				s.writeError(w, r, incident.Errorf(incident.KindUnauthorized, "sign in at /login first"))
				return
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,31}$`)

// nameRule says what usernameRE and the form's pattern accept, in words:
// one rule, said the same on the form, in its hint and when refused.
const nameRule = "Your chat user name: 1 to 32 letters, digits, dots, dashes or underscores, starting with a letter or digit, such as Bob or alice.smith (a leading @ is fine; names are kept in lower case, so Bob signs in as bob)."

// userName reads the sign-in form's name as warroom keeps it, or "".
func userName(raw string) string {
	name := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(raw), "@"))
	if !usernameRE.MatchString(name) {
		return ""
	}
	return name
}

// loginMessages are the only banners the sign-in page shows: it has no
// session to keep a message in, so the URL carries a code, never text.
var loginMessages = map[string]string{
	"name":  "That user name was not accepted. " + nameRule,
	"token": "Wrong access token: it is api.token in warroom's config.",
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "login", "Sign in", map[string]any{"Next": safeNext(r.URL.Query().Get("next")),
		"NeedToken": s.cfg.APIToken != "", "Message": loginMessages[r.URL.Query().Get("error")], "NameRule": nameRule})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	name := userName(r.PostFormValue("name"))
	next := safeNext(r.PostFormValue("next"))
	back := "/login?next=" + url.QueryEscape(next) + "&error="
	if name == "" {
		http.Redirect(w, r, back+"name", http.StatusSeeOther)
		return
	}
	if s.cfg.APIToken != "" {
		if err := s.checkSecret(w, r, r.PostFormValue("token"), s.cfg.APIToken, incident.Errorf(incident.KindUnauthorized, "wrong access token")); err != nil {
			if incident.ErrorKind(err) == incident.KindTooMany {
				s.uiError(w, r, err)
				return
			}
			s.log.Warn("wrong access token at sign-in", "addr", clientAddr(r), "user", name)
			http.Redirect(w, r, back+"token", http.StatusSeeOther)
			return
		}
	}
	if old := sessionOf(r); old != nil {
		_ = s.Sessions.DeleteSession(r.Context(), old.idHash) // a new sign-in gets a new id
	}
	if err := s.startSession(w, r, name); err != nil {
		s.uiError(w, r, err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := checkCSRF(r); err != nil && sessionOf(r) != nil {
		s.uiError(w, r, err)
		return
	}
	if err := s.endSession(w, r); err != nil {
		s.uiError(w, r, err)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// safeNext keeps redirects after sign-in on this site: a path that starts
// with one "/", with no backslash and no control character (browsers drop
// tabs and newlines, so "/\t/evil.example" would be "//evil.example"), no
// scheme and no host. Anything else goes to the incident list.
func safeNext(next string) string {
	const home = "/incidents"
	if next == "" || next[0] != '/' || (len(next) > 1 && (next[1] == '/' || next[1] == '\\')) {
		return home
	}
	for _, c := range next {
		if c < 0x20 || c == 0x7f || c == '\\' {
			return home
		}
	}
	if u, err := url.Parse(next); err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return home
	}
	return next
}

func (s *Server) incidentsPage(w http.ResponseWriter, r *http.Request) {
	f, err := parseFilter(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	list, err := s.Incidents.List(r.Context(), f)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	status := ""
	if len(f.Status) == 1 {
		status = string(f.Status[0])
	}
	s.render(w, r, "incidents", "Incidents", map[string]any{"Incidents": list, "Query": f.Query, "Status": status,
		"Severities": incident.SeverityNames()})
}

func (s *Server) declarePage(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	// A form over the limit would read as one without its CSRF token and
	// be refused as cross-site: say what is wrong instead.
	if err := r.ParseForm(); err != nil {
		s.uiError(w, r, incident.Errorf(incident.KindInvalid,
			"the form could not be read (%v); the limit is %d bytes: shorten the summary and declare again", err, s.cfg.MaxBodyBytes))
		return
	}
	if err := checkCSRF(r); err != nil {
		s.uiError(w, r, err)
		return
	}
	d := incident.Declaration{Title: r.PostFormValue("title"), Summary: r.PostFormValue("summary"),
		Actor: s.uiUser(r), Commander: s.uiUser(r), Source: "web"}
	sev, err := incident.ParseSeverity(r.PostFormValue("severity"))
	if err == nil {
		d.Severity = sev
		var inc *incident.Incident
		if inc, err = s.Lifecycle.Declare(r.Context(), d); err == nil {
			s.kick()
			s.flash(r, flashNotice, inc.Key+" declared; its channel is opening.")
			http.Redirect(w, r, "/incidents/"+inc.Key, http.StatusSeeOther)
			return
		}
	}
	s.flash(r, flashError, incident.ErrorMessage(err))
	http.Redirect(w, r, "/incidents", http.StatusSeeOther)
}

// transcriptView is the archived JSON transcript, read back for the page.
type transcriptView struct {
	Messages []archive.Message `json:"messages"`
}

// archived reads the incident named in the URL and its archived documents.
func (s *Server) archived(r *http.Request) (*incident.Incident, []archive.Stored, error) {
	inc, err := s.Incidents.Get(r.Context(), chi.URLParam(r, "key"))
	if err != nil {
		return nil, nil, err
	}
	docs, err := s.Transcripts.Transcripts(r.Context(), inc.ID)
	return inc, docs, err
}

func (s *Server) transcriptDownload(w http.ResponseWriter, r *http.Request) {
	s.transcript(w, withQuery(r, "format", chi.URLParam(r, "format")))
}

// document serves one archived document (a transcript or a copied file) by
// name, as the ticket's summary links to it.
func (s *Server) document(w http.ResponseWriter, r *http.Request) {
	inc, docs, err := s.archived(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	name := chi.URLParam(r, "*")
	for _, d := range docs {
		if d.Name == name {
			s.serveDocument(w, r, d, `attachment; filename="`+strings.ReplaceAll(path.Base(d.Name), `"`, "")+`"`)
			return
		}
	}
	s.uiError(w, r, incident.Errorf(incident.KindNotFound, "%s has no archived document %q", inc.Key, name))
}

func withQuery(r *http.Request, k, v string) *http.Request {
	r2 := r.Clone(r.Context())
	q := r2.URL.Query()
	q.Set(k, v)
	r2.URL.RawQuery = q.Encode()
	return r2
}
