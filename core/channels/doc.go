// Package channels delivers the outbox: the channel senders (email over SMTP,
// WeChat official-account template messages, WeChat mini-program subscribe
// messages, SMS through the Aliyun dysms HTTP API) and the Worker that claims due
// messages from core.Service, sends them and records the outcome with retries and
// exponential backoff.
//
// Unlike package core, this package talks to the network (net/http, SMTP); it
// never touches storage except through core.Service.
package channels

import (
	"context"

	"switchboard/core"
)

// Sender delivers one message on one channel. It returns the provider's message
// id, or an error; a *core.SendError says whether to retry, back off, give up or
// record the message as not sent. Any other error is taken as temporary.
type Sender interface {
	Send(ctx context.Context, m *core.Message) (providerID string, err error)
}

func temporary(code, format string, args ...any) *core.SendError {
	return &core.SendError{Kind: core.SendTemporary, Code: code, Msg: sprintf(format, args...)}
}

func permanent(code, format string, args ...any) *core.SendError {
	return &core.SendError{Kind: core.SendPermanent, Code: code, Msg: sprintf(format, args...)}
}

func notSendable(code, format string, args ...any) *core.SendError {
	return &core.SendError{Kind: core.SendNotSendable, Code: code, Msg: sprintf(format, args...)}
}
