package store

import (
	"encoding/json"
	"fmt"

	"switchboard/core"
)

// --- mail log and quarantine (R-IN-5)

func (t *tx) PutMailRecord(m *core.MailRecord) error {
	if err := t.beforePut(); err != nil {
		return err
	}
	if err := put(t, bucketMailLog, &m.ID, m); err != nil {
		return err
	}
	if id := core.NormalizeMessageID(m.MessageID); id != "" {
		idx := t.b(bucketMailByMsgID)
		if idx.Get([]byte(id)) == nil {
			if err := idx.Put([]byte(id), itob(m.ID)); err != nil {
				return err
			}
		}
	}
	q := t.b(bucketMailQuarantine)
	if m.Outcome == core.MailQuarantined {
		return q.Put(itob(m.ID), nil)
	}
	return q.Delete(itob(m.ID))
}

func (t *tx) MailRecord(id core.ID) (core.MailRecord, error) {
	return get[core.MailRecord](t, bucketMailLog, id, "mail")
}

func (t *tx) MailRecordByMessageID(messageID string) (core.MailRecord, error) {
	id := t.b(bucketMailByMsgID).Get([]byte(core.NormalizeMessageID(messageID)))
	if id == nil || core.NormalizeMessageID(messageID) == "" {
		return core.MailRecord{}, core.NotFoundf("No mail with Message-ID %s was received.", messageID)
	}
	return t.MailRecord(btoi(id))
}

// MailRecords walks the log (or the quarantine index) from the newest.
func (t *tx) MailRecords(q core.MailQuery) ([]core.MailRecord, error) {
	var out []core.MailRecord
	log := t.b(bucketMailLog)
	idx := log
	if q.Quarantined {
		idx = t.b(bucketMailQuarantine)
	}
	c := idx.Cursor()
	for k, _ := c.Last(); k != nil && (q.Limit <= 0 || len(out) < q.Limit); k, _ = c.Prev() {
		raw := log.Get(k)
		if raw == nil {
			continue
		}
		var m core.MailRecord
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("store: mail %d is unreadable: %w", btoi(k), err)
		}
		out = append(out, m)
	}
	return out, nil
}

func (t *tx) PutMailRaw(id core.ID, raw []byte) error {
	if err := t.beforePut(); err != nil {
		return err
	}
	if raw == nil {
		return t.b(bucketMailRaw).Delete(itob(id))
	}
	return t.b(bucketMailRaw).Put(itob(id), raw)
}

func (t *tx) MailRaw(id core.ID) ([]byte, error) {
	v := t.b(bucketMailRaw).Get(itob(id))
	if v == nil {
		return nil, core.NotFoundf("The raw bytes of mail %d are not kept.", id)
	}
	return append([]byte(nil), v...), nil
}

func (t *tx) PutMailThread(messageID string, wo core.ID) error {
	if err := t.beforePut(); err != nil {
		return err
	}
	id := core.NormalizeMessageID(messageID)
	if id == "" {
		return nil
	}
	return t.b(bucketMailThreads).Put([]byte(id), itob(wo))
}

func (t *tx) MailThread(messageID string) (core.ID, error) {
	id := core.NormalizeMessageID(messageID)
	v := t.b(bucketMailThreads).Get([]byte(id))
	if id == "" || v == nil {
		return 0, core.NotFoundf("No work order has mail %s.", messageID)
	}
	return btoi(v), nil
}

// --- attachments

func (t *tx) PutAttachment(a *core.Attachment, data []byte) error {
	if err := t.beforePut(); err != nil {
		return err
	}
	if a.WorkOrderID == 0 {
		return fmt.Errorf("store: an attachment needs its work order")
	}
	if err := put(t, bucketAttachments, &a.ID, a); err != nil {
		return err
	}
	if err := t.b(bucketAttachmentsWO).Put(pairKey(a.WorkOrderID, a.ID), nil); err != nil {
		return err
	}
	if data == nil {
		data = []byte{}
	}
	return t.b(bucketAttachmentData).Put(itob(a.ID), data)
}

func (t *tx) Attachments(wo core.ID) ([]core.Attachment, error) {
	p := itob(wo)
	c := t.b(bucketAttachmentsWO).Cursor()
	var out []core.Attachment
	for k, _ := c.Seek(p); k != nil && hasPrefix(k, p); k, _ = c.Next() {
		a, err := get[core.Attachment](t, bucketAttachments, btoi(k[8:]), "attachment")
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func (t *tx) AttachmentData(id core.ID) ([]byte, error) {
	v := t.b(bucketAttachmentData).Get(itob(id))
	if v == nil {
		return nil, core.NotFoundf("There is no attachment %d.", id)
	}
	return append([]byte(nil), v...), nil
}
