package rest

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/url"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/service"
)

// pageState is what a search's next link must carry: the search itself and
// where the next page starts. It travels sealed (AES-GCM), so a link holds
// no patient data (an identifier searched for, a name) and cannot be
// altered into another search.
type pageState struct {
	Query url.Values `json:"q"`
	service.Cursor
	// Back holds where the earlier pages started, oldest first, for the
	// previous link; at most MaxBackPages of them.
	Back []service.Cursor `json:"b,omitempty"`
}

// MaxBackPages bounds how many pages back a previous link can lead, so
// that a token stays a few kilobytes however deep a client pages.
const MaxBackPages = 32

func lastOf(cs []service.Cursor) service.Cursor {
	if len(cs) == 0 {
		return service.Cursor{}
	}
	return cs[len(cs)-1]
}

func butLast(cs []service.Cursor) []service.Cursor {
	if len(cs) == 0 {
		return nil
	}
	return cs[:len(cs)-1]
}

// pushBack records the start of the page being left, dropping the oldest
// beyond MaxBackPages.
func pushBack(cs []service.Cursor, c service.Cursor) []service.Cursor {
	out := append(append([]service.Cursor{}, cs...), c)
	if len(out) > MaxBackPages {
		out = out[len(out)-MaxBackPages:]
	}
	return out
}

// pager seals and opens page tokens with one key. Servers that share a
// store and should honour each other's links need the same key
// (Options.PageKey); otherwise each process draws its own, and links
// from before a restart are refused with a clear 400.
type pager struct{ aead cipher.AEAD }

func newPager(key []byte) (*pager, error) {
	if len(key) == 0 {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &pager{aead: aead}, nil
}

func (p *pager) seal(st pageState) (string, error) {
	plain, err := json.Marshal(st)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, p.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(p.aead.Seal(nonce, nonce, plain, nil)), nil
}

func (p *pager) open(token string) (pageState, error) {
	var st pageState
	bad := fhir.Errorf(fhir.CodeInvalid, "_page is not a page token of this server (it may predate a restart): repeat the search").At("_page")
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) < p.aead.NonceSize() {
		return st, bad
	}
	plain, err := p.aead.Open(nil, raw[:p.aead.NonceSize()], raw[p.aead.NonceSize():], nil)
	if err != nil || json.Unmarshal(plain, &st) != nil {
		return st, bad
	}
	return st, nil
}
