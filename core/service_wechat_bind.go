package core

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Binding customers' WeChat identities (issue 20.3). A customer who opens a
// Switchboard link inside WeChat — a task, status or evaluation link of their
// work order, or their signed-in /me — is the terminal user that link belongs
// to; the official account's web authorisation tells the listener their
// openid, bound here. The mini program binds the same way with its login code.

// WeChatKind says which WeChat identity: the official account's or the mini
// program's.
type WeChatKind string

// WeChat identities.
const (
	WeChatOfficial WeChatKind = "official"
	WeChatMini     WeChatKind = "mini-program"
)

// linkTerminalUser is the terminal user a customer link belongs to.
func linkTerminalUser(tx Tx, token string, now time.Time) (TerminalUser, *WorkOrder, error) {
	_, hash, ok := ParseToken(token)
	if !ok {
		return TerminalUser{}, nil, unusable("malformed")
	}
	l, err := tx.Link(hash)
	if errors.Is(err, ErrNotFound) {
		return TerminalUser{}, nil, unusable("unknown")
	} else if err != nil {
		return TerminalUser{}, nil, err
	}
	if l.ExpiresAt != nil && !now.Before(*l.ExpiresAt) {
		return TerminalUser{}, nil, unusable("expired")
	}
	switch l.Purpose {
	case PurposeSession:
		tus, err := tx.TerminalUsersByPhone(l.Phone)
		if err != nil {
			return TerminalUser{}, nil, err
		}
		if len(tus) != 1 {
			return TerminalUser{}, nil, unusable("no single terminal user for the session's phone")
		}
		return tus[0], nil, nil
	case PurposeTerminalTask, PurposeStatus, PurposeEvaluation:
		w, err := tx.WorkOrder(l.WorkOrder)
		if err != nil {
			return TerminalUser{}, nil, unusable("work order gone")
		}
		if w.OutOwner == 0 {
			return TerminalUser{}, nil, unusable("the work order has no external owner")
		}
		tu, err := tx.TerminalUser(w.OutOwner)
		if err != nil {
			return TerminalUser{}, nil, unusable("the external owner is gone")
		}
		return tu, &w, nil
	}
	return TerminalUser{}, nil, unusable("not a customer's link")
}

// WeChatBindWanted reports whether the customer of a link has no identity
// of kind yet, so the listener should ask WeChat for it.
func (s *Service) WeChatBindWanted(token string, kind WeChatKind) bool {
	want := false
	_ = s.store.View(func(tx Tx) error {
		tu, _, err := linkTerminalUser(tx, token, s.Now())
		if err != nil {
			return nil
		}
		want = (kind == WeChatOfficial && tu.WeChatOpenID == "") || (kind == WeChatMini && tu.MiniProgramOpenID == "")
		return nil
	})
	return want
}

// BindWeChat binds openid (of kind) to the terminal user a link belongs to,
// unless they have one already or another terminal user holds it — then
// nothing changes and bound is false. The work order's history says so.
func (s *Service) BindWeChat(token string, kind WeChatKind, openid string) (bound bool, err error) {
	// WeChat's openids are short printable ASCII; anything else (a control
	// byte would run into the store's index keys) is refused, never bound.
	if openid == "" || len(openid) > 128 || strings.ContainsFunc(openid, func(r rune) bool { return r <= ' ' || r > '~' }) {
		return false, Invalid("openid", "WeChat gave no usable openid.")
	}
	err = s.store.Update(func(tx Tx) error {
		now := s.Now()
		tu, w, err := linkTerminalUser(tx, token, now)
		if err != nil {
			return err
		}
		cur := &tu.WeChatOpenID
		if kind == WeChatMini {
			cur = &tu.MiniProgramOpenID
		}
		if *cur != "" {
			return nil
		}
		holders, err := tx.TerminalUsersByOpenID(openid)
		if err != nil {
			return err
		}
		for _, o := range holders {
			if o.ID != tu.ID && ((kind == WeChatOfficial && o.WeChatOpenID == openid) || (kind == WeChatMini && o.MiniProgramOpenID == openid)) {
				return nil // someone else's WeChat: never move it
			}
		}
		*cur, bound = openid, true
		if err := tx.PutTerminalUser(&tu); err != nil {
			return err
		}
		if w != nil {
			return tx.AppendEvent(w.ID, Event{At: now, By: "system", Channel: ChannelWeChat, Kind: EventOwner,
				Detail: fmt.Sprintf("terminal user %s bound to WeChat (%s) on opening a link", tu.Name, kind)})
		}
		return nil
	})
	return bound, err
}
