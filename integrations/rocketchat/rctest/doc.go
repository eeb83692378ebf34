// Package rctest is a stateful, in-process fake of the Rocket.Chat REST API
// v1 and of Rocket.Chat's outgoing-webhook integration, for tests that need
// a chat server.
//
// It follows the wire contract in /work/shared/contracts/rocketchat.md and,
// where the contract is silent or loose, what the Rocket.Chat sources do:
// both X-User-Id and X-Auth-Token on every authenticated call, the
// {"success":false,"error":…,"errorType":…} envelope with 400 for business
// errors (room not found, duplicate name, "not allowed" are all 400), 401
// for a missing login, 403 for a route-level permission, 404 for an unknown
// method, 429 with X-RateLimit-Reset in epoch milliseconds.
//
//	srv := rctest.New(t, rctest.Options{})
//	bot := srv.Bot()
//	req.Header.Set("X-User-Id", bot.ID)
//	req.Header.Set("X-Auth-Token", bot.Token)
//	// POST srv.URL()+"/api/v1/groups.create" ...
//
// Tests inspect what the code under test did with Room, Messages and
// Requests; they break Rocket.Chat on purpose with FailNext, Inject and
// SetDown; and they play the humans in the chat with PostAsUser,
// ReactAsUser, UploadAsUser and ClickActionAsUser.
//
// When an OutgoingWebhook is configured, every message saved in a room the
// integration listens to — whoever posted it, through the API or as a user —
// whose text starts with a trigger word is POSTed to the integration's URL
// exactly as Rocket.Chat does, and a JSON reply with text or attachments is
// posted back into the room as the integration's user. PostAsUser delivers
// synchronously; deliveries caused by API calls run in the background, as
// in Rocket.Chat (WaitDeliveries waits for them). Deliveries lists them all.
//
// Reactions never reach an outgoing webhook (Rocket.Chat has no such
// event): code that wants them must read them back from chat.getMessage,
// channels.history/groups.history or chat.syncMessages, which this fake
// serves with the reactions field.
//
// The server's version (Options.Version) decides the version-dependent
// parts: rooms.upload is gone (404) from 8.0.0, rooms.media and
// rooms.mediaConfirm exist from 6.10.0 (see Options.Media), and the error
// bodies of 401 and 403 change shape at 8.0.0.
package rctest
