package store

import (
	"encoding/binary"
	"testing"
	"time"

	"switchboard/core"
)

// TestRowCodecKeepsTheUnverifiedMark (issue 18.3): rows carry the
// unverified-phone mark (codec version 3), and version-2 rows still read,
// unmarked.
func TestRowCodecKeepsTheUnverifiedMark(t *testing.T) {
	at := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	r := core.WorkOrderRow{ID: 7, Number: "WO-000007", Subject: "s", Phone: "13800138000", CreatedAt: at, UpdatedAt: at, Version: 2, EngineerID: 3, PhoneUnverified: true}
	var got core.WorkOrderRow
	if err := decodeRow(encodeRow(r), &got); err != nil || got != r {
		t.Fatalf("round trip: %+v %v", got, err)
	}
	// A version-2 row: the same layout without the flags.
	v2 := []byte{2}
	v2 = binary.AppendUvarint(v2, 7)
	v2 = binary.AppendUvarint(v2, 2)
	v2 = binary.AppendVarint(v2, at.UnixNano())
	v2 = binary.AppendVarint(v2, at.UnixNano())
	v2 = binary.AppendUvarint(v2, 3)
	for _, s := range rowStrings(&r) {
		v2 = binary.AppendUvarint(v2, uint64(len(*s)))
		v2 = append(v2, *s...)
	}
	want := r
	want.PhoneUnverified = false
	if err := decodeRow(v2, &got); err != nil || got != want {
		t.Fatalf("a version-2 row: %+v %v", got, err)
	}
	if err := decodeRow([]byte{4, 1}, &got); err == nil {
		t.Fatal("a row from a newer codec was read")
	}
}
