package store

import (
	"bytes"
	"encoding/json"
	"fmt"

	"switchboard/core"
)

// PutLink stores a link under the hash of its token; the token itself never
// reaches the store.
func (t *tx) PutLink(l *core.Link) error {
	if err := t.beforePut(); err != nil {
		return err
	}
	if len(l.Hash) != 32 {
		return fmt.Errorf("store: a link is keyed by a 32-byte SHA-256, not %d bytes", len(l.Hash))
	}
	raw, err := json.Marshal(l)
	if err != nil {
		return err
	}
	if err := t.b(bucketLinks).Put(l.Hash, raw); err != nil {
		return err
	}
	if l.WorkOrder != 0 {
		return t.b(bucketLinksByWO).Put(append(itob(l.WorkOrder), l.Hash...), nil)
	}
	return nil
}

func (t *tx) LinksFor(wo core.ID) ([]core.Link, error) {
	var out []core.Link
	prefix := itob(wo)
	c := t.b(bucketLinksByWO).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		l, err := t.Link(k[8:])
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

func (t *tx) Link(hash []byte) (core.Link, error) {
	var l core.Link
	raw := t.b(bucketLinks).Get(hash)
	if raw == nil {
		return l, core.NotFoundf("There is no such link.")
	}
	if err := json.Unmarshal(raw, &l); err != nil {
		return l, fmt.Errorf("store: a link is unreadable: %w", err)
	}
	l.Hash = append([]byte(nil), hash...)
	return l, nil
}

func (t *tx) PutDevice(d *core.Device) error {
	if err := t.beforePut(); err != nil {
		return err
	}
	if d.Code == "" {
		return fmt.Errorf("store: a device needs a code")
	}
	raw, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return t.b(bucketDevices).Put([]byte(d.Code), raw)
}

func (t *tx) Device(code string) (core.Device, error) {
	var d core.Device
	raw := t.b(bucketDevices).Get([]byte(code))
	if raw == nil {
		return d, core.NotFoundf("There is no device %s.", code)
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		return d, fmt.Errorf("store: device %s is unreadable: %w", code, err)
	}
	return d, nil
}

func (t *tx) Devices() ([]core.Device, error) {
	var out []core.Device
	err := t.b(bucketDevices).ForEach(func(k, raw []byte) error {
		var d core.Device
		if err := json.Unmarshal(raw, &d); err != nil {
			return fmt.Errorf("store: device %s is unreadable: %w", k, err)
		}
		out = append(out, d)
		return nil
	})
	return out, err
}
