package storetest

import (
	"errors"
	"testing"
	"time"

	"switchboard/core"
)

func msg(key string, wo core.ID, state core.MessageState, at time.Time) *core.Message {
	return &core.Message{Key: key, Event: core.NoticeSubmitted, WorkOrderID: wo, Channel: core.NoticeEmail, State: state, NextAt: at, CreatedAt: t0}
}

// testOutbox: keys, the due index (only live messages, earliest first), and the
// work-order, group and state indexes follow every change of a message.
func testOutbox(t *testing.T, st core.Store) {
	a := msg("k/a", 7, core.MsgQueued, t0.Add(2*time.Second))
	b := msg("k/b", 7, core.MsgQueued, t0.Add(time.Second))
	c := msg("k/c", 8, core.MsgHeld, t0)
	update(t, st, func(tx core.Tx) error {
		for _, m := range []*core.Message{a, b, c} {
			if err := tx.PutMessage(m); err != nil {
				return err
			}
		}
		a.Group, b.Group = a.ID, a.ID
		if err := tx.PutMessage(a); err != nil {
			return err
		}
		return tx.PutMessage(b)
	})
	view(t, st, func(tx core.Tx) error {
		got, err := tx.MessageByKey("k/b")
		if err != nil || got.ID != b.ID {
			t.Errorf("MessageByKey = %+v, %v", got, err)
		}
		if _, err := tx.MessageByKey("k/none"); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("missing key: %v", err)
		}
		due, _ := tx.DueMessages(t0.Add(time.Second), 0)
		if len(due) != 1 || due[0].ID != b.ID {
			t.Errorf("due at +1s = %v, want only b (held c is never due)", msgIDs(due))
		}
		due, _ = tx.DueMessages(t0.Add(time.Hour), 0)
		if len(due) != 2 || due[0].ID != b.ID || due[1].ID != a.ID {
			t.Errorf("due at +1h = %v, want b, a", msgIDs(due))
		}
		if due, _ = tx.DueMessages(t0.Add(time.Hour), 1); len(due) != 1 {
			t.Errorf("limit 1 gave %d", len(due))
		}
		byWO, _ := tx.Messages(core.MessageQuery{WorkOrder: 7})
		if len(byWO) != 2 || byWO[0].ID != b.ID {
			t.Errorf("work order 7 = %v, want newest first", msgIDs(byWO))
		}
		grp, _ := tx.Messages(core.MessageQuery{Group: a.ID})
		held, _ := tx.Messages(core.MessageQuery{State: core.MsgHeld})
		all, _ := tx.Messages(core.MessageQuery{Limit: 2})
		if len(grp) != 2 || len(held) != 1 || held[0].ID != c.ID || len(all) != 2 || all[0].ID != c.ID {
			t.Errorf("group %v, held %v, newest two %v", msgIDs(grp), msgIDs(held), msgIDs(all))
		}
		return nil
	})
	// Sending then sent: the message leaves the due index and the queued state.
	update(t, st, func(tx core.Tx) error {
		b.State, b.NextAt = core.MsgSending, t0.Add(time.Minute)
		if err := tx.PutMessage(b); err != nil {
			return err
		}
		due, _ := tx.DueMessages(t0.Add(30*time.Second), 0)
		if len(due) != 1 || due[0].ID != a.ID {
			t.Errorf("while b's lease runs, due = %v", msgIDs(due))
		}
		b.State = core.MsgSent
		return tx.PutMessage(b)
	})
	view(t, st, func(tx core.Tx) error {
		due, _ := tx.DueMessages(t0.Add(time.Hour), 0)
		queued, _ := tx.Messages(core.MessageQuery{State: core.MsgQueued})
		sent, _ := tx.Messages(core.MessageQuery{State: core.MsgSent, WorkOrder: 7})
		if len(due) != 1 || len(queued) != 1 || len(sent) != 1 || sent[0].ID != b.ID {
			t.Errorf("after sent: due %v, queued %v, sent %v", msgIDs(due), msgIDs(queued), msgIDs(sent))
		}
		return nil
	})
}

// testOutboxRollback: a message written in a transaction that fails is not there,
// nor is its key or due entry — the outbox is exactly as atomic as the change.
func testOutboxRollback(t *testing.T, st core.Store) {
	boom := errors.New("boom")
	err := st.Update(func(tx core.Tx) error {
		if err := tx.PutMessage(msg("k/rolled-back", 1, core.MsgQueued, t0)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	view(t, st, func(tx core.Tx) error {
		if _, err := tx.MessageByKey("k/rolled-back"); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("rolled-back key still resolves: %v", err)
		}
		if due, _ := tx.DueMessages(t0.Add(time.Hour), 0); len(due) != 0 {
			t.Errorf("rolled-back message is due: %v", msgIDs(due))
		}
		return nil
	})
}

func msgIDs(ms []core.Message) []core.ID {
	out := make([]core.ID, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}
