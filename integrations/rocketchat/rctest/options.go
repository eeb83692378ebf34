package rctest

import (
	"net/http"
	"time"
)

// Media says whether a server has the two-step upload endpoints
// rooms.media and rooms.mediaConfirm.
type Media int

// Values of Options.Media.
const (
	// MediaByVersion gives rooms.media from version 6.10.0 on, the release
	// that deprecated rooms.upload in its favour.
	MediaByVersion Media = iota
	// MediaOn forces rooms.media and rooms.mediaConfirm on.
	MediaOn
	// MediaOff makes them answer 404, as on servers older than the
	// two-step flow.
	MediaOff
)

// Options configures a fake Rocket.Chat. The zero value is a 6.10.0 server
// with a bot user "warroom-bot" (bot role, generated id and personal access
// token), two humans "alice" and "bob" (role user, no token), the default
// rate limiter (10 calls a minute per endpoint, for users without the bot
// role) and no outgoing integration.
type Options struct {
	// Version is the server version, e.g. "6.10.0" or "5.4.0"; default
	// "6.10.0".
	Version string
	// Media overrides whether rooms.media/rooms.mediaConfirm exist.
	Media Media

	// Bot is the service account the code under test logs in as. Default
	// Username "warroom-bot", Roles ["bot"], a generated ID and Token.
	Bot User
	// Users are the humans; default alice and bob with the role "user".
	// Actors (PostAsUser and friends) take their usernames.
	Users []User

	// RateLimit configures API_Enable_Rate_Limiter and its defaults.
	RateLimit RateLimit
	// MaxFileSize is FileUpload_MaxFileSize in bytes; default 100 MiB.
	MaxFileSize int64
	// MaxMessageSize is Message_MaxAllowedSize in characters; default 5000.
	MaxMessageSize int
	// NameRegex is UTF8_Channel_Names_Validation, without anchors; default
	// `[0-9a-zA-Z-_.]+`.
	NameRegex string
	// Permissions replace the default roles of a permission, e.g.
	// {"create-p": {"admin"}} to make groups.create answer 403 for the bot.
	// The defaults are Rocket.Chat's permission seed; see DefaultPermissions.
	Permissions map[string][]string

	// Outgoing is the outgoing-webhook integration ("Message Sent" event),
	// if any. SetOutgoing sets or replaces it later, once the URL of the
	// service under test is known.
	Outgoing *OutgoingWebhook

	// Now is the clock; default time.Now. Sleep waits between retries of
	// an outgoing webhook; default time.Sleep.
	Now   func() time.Time
	Sleep func(time.Duration)
	// WebhookClient makes the outgoing webhook calls; default a client
	// with a 30 s timeout.
	WebhookClient *http.Client
}

// User is a Rocket.Chat account.
type User struct {
	ID       string // 17 characters; generated when empty
	Username string
	Name     string   // display name; default Username
	Roles    []string // global roles; default ["user"] (["bot"] for Options.Bot)
	// Token is a personal access token: with the ID it authenticates REST
	// calls. Generated for the bot when empty; humans without one cannot
	// call the API (the actors do not need one).
	Token string
	// Password lets the user log in with POST /api/v1/login.
	Password string
	// Type is the account type ("user", "bot", "app"); default "user".
	Type string
}

// RateLimit is the REST rate limiter. Bucket: client IP × route × HTTP
// method; users holding api-bypass-rate-limit (roles admin, bot, app) skip
// it entirely.
type RateLimit struct {
	Disabled bool          // API_Enable_Rate_Limiter off
	Calls    int           // default 10
	Window   time.Duration // default 60 s
}

// OutgoingWebhook is an outgoing integration on the "Message Sent" event.
type OutgoingWebhook struct {
	Name  string // default "warroom"
	URL   string // where calls go; nothing is sent while empty
	Token string // sent as "token"; default "outgoing-token"
	// TriggerWords must start the message text (or appear anywhere with
	// TriggerWordAnywhere); empty means every message triggers.
	TriggerWords        []string
	TriggerWordAnywhere bool
	// Channels the integration listens to: "#name" or "#roomId",
	// "all_public_channels", "all_private_groups", "all_direct_messages",
	// "@username". Empty means all public channels only, as in Rocket.Chat:
	// private groups are not covered unless listed.
	Channels []string
	// Username is "Post as": who posts the replies; default the bot.
	Username string
	// Alias, Emoji and Avatar are the defaults of replied messages.
	Alias, Emoji, Avatar string
	// RunOnEdits delivers edited messages too, with isEdited.
	RunOnEdits bool
	// RetryFailedCalls, RetryCount and RetryDelay ("powers-of-ten",
	// "powers-of-two", "increments-of-two"; default "powers-of-ten": 0.1 s,
	// 1 s, 10 s, …, waited with Options.Sleep) retry a call answered with an
	// empty body or a status other than 200/201/202 (but not 410 or 500
	// with a body, and not a transport error).
	RetryFailedCalls bool
	RetryCount       int
	RetryDelay       string
	// Disabled turns the integration off, as a 410 answer does.
	Disabled bool
}

// DefaultPermissions is the part of Rocket.Chat's permission seed the fake
// enforces: permission → roles. "owner" and "moderator" are room roles; the
// creator of a room is its owner.
func DefaultPermissions() map[string][]string {
	return map[string][]string{
		"create-c":                []string{"admin", "user", "bot", "app"},
		"create-p":                []string{"admin", "user", "bot", "app"},
		"add-user-to-joined-room": []string{"admin", "owner", "moderator"},
		"add-user-to-any-c-room":  []string{"admin"},
		"add-user-to-any-p-room":  []string{},
		"api-bypass-rate-limit":   []string{"admin", "bot", "app"},
		"archive-room":            []string{"admin", "owner"},
		"unarchive-room":          []string{"admin"},
		"delete-c":                []string{"admin", "owner"},
		"delete-p":                []string{"admin", "owner"},
		"edit-room":               []string{"admin", "owner", "moderator"},
		"edit-message":            []string{"admin", "owner", "moderator"},
		"delete-message":          []string{"admin", "owner", "moderator"},
		"delete-own-message":      []string{"admin", "user"},
		"force-delete-message":    []string{"admin", "owner"},
		"pin-message":             []string{"owner", "moderator", "admin"},
		"message-impersonate":     []string{"bot", "app"},
		"post-readonly":           []string{"admin", "owner", "moderator"},
		"view-joined-room":        []string{"guest", "bot", "app", "anonymous"},
	}
}

func (o Options) withDefaults() Options {
	if o.Version == "" {
		o.Version = "6.10.0"
	}
	if o.Bot.Username == "" {
		o.Bot.Username = "warroom-bot"
	}
	if len(o.Bot.Roles) == 0 {
		o.Bot.Roles = []string{"bot"}
	}
	o.Bot.Roles = append([]string(nil), o.Bot.Roles...)
	if o.Users == nil {
		o.Users = []User{{Username: "alice", Name: "Alice"}, {Username: "bob", Name: "Bob"}}
	}
	o.Users = append([]User(nil), o.Users...)
	for i := range o.Users {
		if len(o.Users[i].Roles) == 0 {
			o.Users[i].Roles = []string{"user"}
		}
		o.Users[i].Roles = append([]string(nil), o.Users[i].Roles...)
	}
	if o.RateLimit.Calls <= 0 {
		o.RateLimit.Calls = 10
	}
	if o.RateLimit.Window <= 0 {
		o.RateLimit.Window = time.Minute
	}
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = 100 << 20
	}
	if o.MaxMessageSize <= 0 {
		o.MaxMessageSize = 5000
	}
	if o.NameRegex == "" {
		o.NameRegex = `[0-9a-zA-Z-_.]+`
	}
	perms := DefaultPermissions()
	for k, v := range o.Permissions {
		perms[k] = append([]string{}, v...)
	}
	o.Permissions = perms
	if o.Outgoing != nil {
		c := o.Outgoing.withDefaults(o.Bot.Username)
		o.Outgoing = &c
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = time.Sleep
	}
	if o.WebhookClient == nil {
		o.WebhookClient = &http.Client{Timeout: 30 * time.Second}
	}
	return o
}

func (w OutgoingWebhook) withDefaults(bot string) OutgoingWebhook {
	if w.Name == "" {
		w.Name = "warroom"
	}
	if w.Token == "" {
		w.Token = "outgoing-token"
	}
	if w.Username == "" {
		w.Username = bot
	}
	if w.RetryFailedCalls && w.RetryDelay == "" {
		w.RetryDelay = "powers-of-ten"
	}
	w.TriggerWords = append([]string(nil), w.TriggerWords...)
	w.Channels = append([]string(nil), w.Channels...)
	return w
}
