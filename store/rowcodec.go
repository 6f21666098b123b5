package store

import (
	"encoding/binary"
	"errors"
	"time"
	"unsafe"

	"switchboard/core"
)

// Work-order rows are stored in a compact binary form because list and search scan
// all of them: decoding this is several times cheaper than JSON at 100,000 rows.
// Layout (version 2): version byte, uvarint id, version, varint created and
// updated unix nanos, uvarint engineer id, then length-prefixed strings in
// rowStrings order. Version 1 (no engineer) is still read; a migration
// rewrote it. A row's search text is kept apart (bucketWOSearch), so that a
// search reads 10 MB, not 35.

// Version 3 appends a uvarint of flags (1: the phone is unverified, R-IN-8).
// Version 4 appends the external owner's id (a customer's work orders are
// indexed by it; schema 16 rewrote every row).
const rowCodecVersion = 4

const rowFlagUnverified = 1

func rowStrings(r *core.WorkOrderRow) [12]*string {
	return [12]*string{
		&r.Number, &r.Subject, &r.RecordType, (*string)(&r.Priority), (*string)(&r.Status),
		(*string)(&r.Node), (*string)(&r.Channel), &r.AccountName, &r.ContactName,
		&r.EngineerName, &r.Phone, &r.Region,
	}
}

func encodeRow(r core.WorkOrderRow) []byte {
	b := make([]byte, 0, 128)
	b = append(b, rowCodecVersion)
	b = binary.AppendUvarint(b, uint64(r.ID))
	b = binary.AppendUvarint(b, r.Version)
	b = binary.AppendVarint(b, r.CreatedAt.UnixNano())
	b = binary.AppendVarint(b, r.UpdatedAt.UnixNano())
	b = binary.AppendUvarint(b, uint64(r.EngineerID))
	for _, s := range rowStrings(&r) {
		b = binary.AppendUvarint(b, uint64(len(*s)))
		b = append(b, *s...)
	}
	var flags uint64
	if r.PhoneUnverified {
		flags |= rowFlagUnverified
	}
	b = binary.AppendUvarint(b, flags)
	return binary.AppendUvarint(b, uint64(r.OwnerID))
}

var errBadRow = errors.New("store: corrupt work-order row")

func decodeRow(b []byte, r *core.WorkOrderRow) error { return decodeRowInto(b, r, false) }

// viewRow decodes b into r without copying its strings: r's strings alias b, which
// for a bbolt value is the memory-mapped file, valid only inside the transaction.
// Scans use it so that 100,000 rows cost no allocations; nothing viewed may escape.
func viewRow(b []byte, r *core.WorkOrderRow) error { return decodeRowInto(b, r, true) }

func decodeRowInto(b []byte, r *core.WorkOrderRow, alias bool) error {
	if len(b) == 0 || b[0] < 1 || b[0] > rowCodecVersion {
		return errBadRow
	}
	v := b[0]
	b = b[1:]
	u := func() uint64 {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			b = nil
			return 0
		}
		b = b[n:]
		return v
	}
	i := func() int64 {
		v, n := binary.Varint(b)
		if n <= 0 {
			b = nil
			return 0
		}
		b = b[n:]
		return v
	}
	r.ID = core.ID(u())
	r.Version = u()
	r.CreatedAt = time.Unix(0, i()).UTC()
	r.UpdatedAt = time.Unix(0, i()).UTC()
	r.EngineerID = 0
	if v >= 2 {
		r.EngineerID = core.ID(u())
	}
	for _, s := range rowStrings(r) {
		n := u()
		if b == nil || uint64(len(b)) < n {
			return errBadRow
		}
		switch {
		case n == 0:
			*s = ""
		case alias:
			*s = unsafe.String(&b[0], int(n))
		default:
			*s = string(b[:n])
		}
		b = b[n:]
	}
	r.PhoneUnverified, r.OwnerID = false, 0
	if v >= 3 {
		r.PhoneUnverified = u()&rowFlagUnverified != 0
	}
	if v >= 4 {
		r.OwnerID = core.ID(u())
	}
	return nil
}
