package mattermost

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/warroom/warroom/incident"
)

// maxNameTries bounds the suffixes tried when a name is taken.
const maxNameTries = 50

// OpenChannel creates the incident's channel, or adopts the one an earlier
// attempt created (created by the bot, its purpose naming the incident),
// trying name-2, name-3 ... when the name is taken by something else,
// also by the bot for another incident. Then it invites people.
func (b *Backend) OpenChannel(ctx context.Context, spec incident.ChannelSpec) (incident.ChannelRef, error) {
	teamID, botID, err := b.ensure(ctx)
	if err != nil {
		return incident.ChannelRef{}, err
	}
	display := truncateRunes(spec.DisplayName, model.ChannelDisplayNameMaxRunes)
	typ := model.ChannelTypeOpen
	if b.cfg.Private {
		typ = model.ChannelTypePrivate
	}
	base := ChannelName(spec.Name)
	purpose := channelPurpose(spec)
	var ch *model.Channel
	for n := 1; ch == nil; n++ {
		if n > maxNameTries {
			return incident.ChannelRef{}, permanent("no free channel name: %s and %d variants are all taken", base, maxNameTries-1)
		}
		name := candidate(base, n)
		existing, resp, err := b.client.GetChannelByNameIncludeDeleted(ctx, name, teamID, "")
		switch {
		case err == nil && existing.CreatorId == botID && ownedBy(existing.Purpose, spec.IncidentKey) && existing.DeleteAt == 0:
			ch = existing // ours, from an attempt that crashed before recording it
			continue
		case err == nil:
			continue // taken (possibly by an archived channel)
		case statusOf(err, resp) != http.StatusNotFound:
			return incident.ChannelRef{}, classify("look up channel "+name, resp, err)
		}
		created, resp, err := b.client.CreateChannel(ctx, &model.Channel{TeamId: teamID, Name: name, DisplayName: display, Type: typ,
			Purpose: purpose, Header: truncateRunes(spec.Header, model.ChannelHeaderMaxRunes)})
		if err != nil {
			if errorID(err) == "store.sql_channel.save_channel.exists.app_error" {
				continue // taken between the look-up and the create
			}
			if statusOf(err, resp) == http.StatusForbidden {
				return incident.ChannelRef{}, permanent("bot may not create channels in team %s (%s): give it the create_%s_channel permission",
					b.cfg.Team, errorID(err), map[bool]string{true: "private", false: "public"}[b.cfg.Private])
			}
			return incident.ChannelRef{}, classify("create channel "+name, resp, err)
		}
		ch = created
	}
	ref := b.ref(ch)
	if err := b.invite(ctx, ref, append(append([]string{}, b.cfg.Invite...), spec.Invite...)); err != nil {
		return incident.ChannelRef{}, err
	}
	return ref, nil
}

// channelPurpose is the purpose of an incident's channel: the wished-for
// purpose, cut to fit, then the incident key that marks the channel as
// that incident's (display names may repeat: "{{.Title}}").
func channelPurpose(spec incident.ChannelSpec) string {
	mark := keyMark(spec.IncidentKey)
	p := truncateRunes(spec.Purpose, model.ChannelPurposeMaxRunes-len([]rune(mark))-1)
	return strings.TrimSpace(p + " " + mark)
}

func keyMark(key string) string { return "(warroom " + key + ")" }

// ownedBy reports whether a channel's purpose marks it as the incident's.
func ownedBy(purpose, incidentKey string) bool {
	return strings.HasSuffix(purpose, keyMark(incidentKey))
}

func (b *Backend) ref(ch *model.Channel) incident.ChannelRef {
	return incident.ChannelRef{Backend: Name, ID: ch.Id, Name: ch.Name, URL: b.cfg.URL + "/" + b.cfg.Team + "/channels/" + ch.Name}
}

// invite adds the people an opened channel is for. Unknown usernames are
// logged and skipped: a typo in chat.mattermost.invite must not keep the
// channel from opening. It takes the same path as Invite, so an open
// retried after some of many invitees were added adds only the rest.
func (b *Backend) invite(ctx context.Context, ref incident.ChannelRef, usernames []string) error {
	got, err := b.Invite(ctx, ref, usernames)
	if err != nil {
		return err
	}
	for _, u := range got.Unknown {
		b.log.Warn("cannot invite unknown Mattermost user; check chat.mattermost.invite and the routing rules", "user", u, "channel", ref.Name)
	}
	return nil
}

// Invite adds people to an incident's channel (see incident.Chat): the
// ones already members are left alone, so no second join is posted.
// Mattermost 9.9 adds one user a request (POST channels/{id}/members
// refuses user_ids there), so an attempt costs two look-ups (the users,
// then which of them are members, each in batches of maxIDs) and one add
// per person not yet in; a retry after a failure part-way skips the ones
// the failed attempt added.
func (b *Backend) Invite(ctx context.Context, ref incident.ChannelRef, usernames []string) (incident.Invited, error) {
	var out incident.Invited
	users, unknown, err := b.lookupUsers(ctx, usernames)
	if err != nil || len(users) == 0 {
		out.Unknown = unknown
		return out, err
	}
	in, err := b.members(ctx, ref, users)
	if err != nil {
		return out, err
	}
	for _, u := range users {
		if in[u.Id] {
			out.Already = append(out.Already, u.Username)
			continue
		}
		ok, err := b.addMember(ctx, ref.ID, u)
		switch {
		case err != nil:
			return out, err
		case ok:
			out.Added = append(out.Added, u.Username)
		default:
			unknown = append(unknown, u.Username)
		}
	}
	out.Unknown = unknown
	return out, nil
}

// maxIDs bounds the names or IDs sent in one look-up.
const maxIDs = 100

// members says which of users are in the channel already.
func (b *Backend) members(ctx context.Context, ref incident.ChannelRef, users []*model.User) (map[string]bool, error) {
	in := map[string]bool{}
	for part := range slices.Chunk(users, maxIDs) {
		ids := make([]string, len(part))
		for i, u := range part {
			ids[i] = u.Id
		}
		members, resp, err := b.client.GetChannelMembersByIds(ctx, ref.ID, ids)
		if err != nil {
			return nil, classify("read the members of "+ref.Name, resp, err)
		}
		for _, m := range members {
			in[m.UserId] = true
		}
	}
	return in, nil
}

// lookupUsers looks up the people named, each once, in batches of maxIDs
// and in the order given; unknown are the names Mattermost has no user for.
func (b *Backend) lookupUsers(ctx context.Context, usernames []string) (users []*model.User, unknown []string, err error) {
	seen := map[string]bool{}
	var unique []string
	for _, u := range usernames {
		if u != "" && !seen[u] {
			seen[u] = true
			unique = append(unique, u)
		}
	}
	if len(unique) == 0 {
		return nil, nil, nil
	}
	byName := map[string]*model.User{}
	for part := range slices.Chunk(unique, maxIDs) {
		found, resp, err := b.client.GetUsersByUsernames(ctx, part)
		if err != nil {
			return nil, nil, classify("look up users to invite", resp, err)
		}
		for _, u := range found {
			byName[u.Username] = u
		}
	}
	for _, name := range unique { // in the order asked, not the server's
		if u, ok := byName[name]; ok {
			users = append(users, u)
		} else {
			unknown = append(unknown, name)
		}
	}
	return users, unknown, nil
}

// addMember adds one user to a channel; ok is false when Mattermost
// refuses them there (not in the team), which is logged, not an error.
func (b *Backend) addMember(ctx context.Context, channelID string, u *model.User) (ok bool, err error) {
	_, resp, err := b.client.AddChannelMember(ctx, channelID, u.Id)
	if err == nil {
		return true, nil
	}
	// Mattermost 9.9 answers 404 app.team.get_member.missing for a user
	// outside the channel's team (a 404 for the channel is an error).
	if s := statusOf(err, resp); s == http.StatusForbidden || s == http.StatusBadRequest || errorID(err) == "app.team.get_member.missing.app_error" {
		b.log.Warn("cannot invite user to incident channel; is the user in the team?", "user", u.Username, "err", err)
		return false, nil
	}
	return false, classify("invite @"+u.Username, resp, err)
}

// UpdateChannel sets the header through the patch endpoint, and only when
// it changed (each change leaves a system message in the channel).
func (b *Backend) UpdateChannel(ctx context.Context, ref incident.ChannelRef, state incident.ChannelState) error {
	header := truncateRunes(state.Header, model.ChannelHeaderMaxRunes)
	ch, resp, err := b.client.GetChannel(ctx, ref.ID)
	if err != nil {
		return classify("read channel "+ref.Name, resp, err)
	}
	if ch.Header == header || ch.DeleteAt != 0 {
		return nil
	}
	if _, resp, err := b.client.PatchChannel(ctx, ref.ID, &model.ChannelPatch{Header: &header}); err != nil {
		return classify("update the header of "+ref.Name, resp, err)
	}
	return nil
}

// DeleteChannel removes the channel as configured and says what it did.
// Permanent deletion needs ServiceSettings.EnableAPIChannelDeletion; when
// the server refuses it, the channel is archived instead and the answer
// says so (it goes on the timeline).
func (b *Backend) DeleteChannel(ctx context.Context, ref incident.ChannelRef) (string, error) {
	if b.cfg.Delete == DeleteKeep {
		return "kept (chat.mattermost.delete is keep)", nil
	}
	ch, resp, err := b.client.GetChannel(ctx, ref.ID)
	if statusOf(err, resp) == http.StatusNotFound {
		return "already deleted", nil
	}
	if err != nil {
		return "", classify("read channel "+ref.Name, resp, err)
	}
	if b.cfg.Delete == DeletePermanent {
		resp, err := b.client.PermanentDeleteChannel(ctx, ref.ID)
		switch {
		case err == nil:
			return "deleted permanently", nil
		case statusOf(err, resp) == http.StatusNotFound:
			return "already deleted", nil
		case errorID(err) != "api.user.delete_channel.not_enabled.app_error" && statusOf(err, resp) != http.StatusForbidden:
			return "", classify("delete channel "+ref.Name, resp, err)
		}
		b.log.Warn("permanent channel deletion refused; archiving instead", "channel", ref.Name, "err", err)
		how, aerr := b.archive(ctx, ch)
		if aerr != nil {
			return "", aerr
		}
		return how + ", because the server refused permanent deletion (" + errorID(err) +
			"): set ServiceSettings.EnableAPIChannelDeletion and give the bot the permission to delete channels", nil
	}
	return b.archive(ctx, ch)
}

func (b *Backend) archive(ctx context.Context, ch *model.Channel) (string, error) {
	if ch.DeleteAt != 0 {
		return "already archived", nil
	}
	if resp, err := b.client.DeleteChannel(ctx, ch.Id); err != nil {
		return "", classify("archive channel "+ch.Name, resp, err)
	}
	return "archived", nil
}
