package mattermost

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// signer signs the context warroom puts on each button, because Mattermost
// does not sign button callbacks: a callback whose context does not carry a
// valid signature did not come from a button warroom made.
type signer struct{ key []byte }

func (s signer) sign(action, channelID string) string {
	mac := hmac.New(sha256.New, s.key)
	mac.Write([]byte(action + "\x00" + channelID))
	return hex.EncodeToString(mac.Sum(nil))
}

func (s signer) verify(action, channelID, sig string) bool {
	return hmac.Equal([]byte(s.sign(action, channelID)), []byte(sig))
}
