package core_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"switchboard/core"
)

// fill sets every field of v (a pointer to a struct), recursively, to random
// values: hostile text (HTML, quotes, control characters, U+2028, invalid
// UTF-8, Chinese), zero and non-zero ids, nil and set pointers, nil, empty and
// full slices, times in several zones. A field added to a record later is
// filled too, so an appender that forgets it fails the comparison.
func fill(r *rand.Rand, v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if r.IntN(4) == 0 {
			v.Set(reflect.Zero(v.Type()))
			return
		}
		p := reflect.New(v.Type().Elem())
		fill(r, p.Elem())
		v.Set(p)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			zones := []*time.Location{time.UTC, time.FixedZone("CST", 8*3600), time.FixedZone("", -(3*3600 + 1800)), time.Local}
			t := time.Unix(r.Int64N(4e9), r.Int64N(1e9)*int64(r.IntN(2))).In(zones[r.IntN(len(zones))])
			if r.IntN(8) == 0 {
				t = time.Time{}
			}
			v.Set(reflect.ValueOf(t))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(r, v.Field(i))
			}
		}
	case reflect.Slice:
		switch r.IntN(3) {
		case 0:
			v.Set(reflect.Zero(v.Type()))
		default:
			n := r.IntN(3)
			s := reflect.MakeSlice(v.Type(), n, n)
			for i := range n {
				fill(r, s.Index(i))
			}
			v.Set(s)
		}
	case reflect.String:
		pieces := []string{"", "a", "冷柜不制冷", `<b>&amp;</b>`, `"q"`, `\`, "\n\r\t\b\f", "\x00\x01\x1f\x7f", "\u2028\u2029", "\xff\xfe", "é", "🙂", " ", "WO-000042"}
		var b strings.Builder
		for range r.IntN(5) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		v.SetString(b.String())
	case reflect.Uint64, reflect.Uint, reflect.Uint32:
		if r.IntN(3) > 0 {
			v.SetUint(r.Uint64N(1 << uint(r.IntN(64))))
		} else {
			v.SetUint(0)
		}
	case reflect.Int, reflect.Int64:
		v.SetInt(r.Int64N(1000) - 500)
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	default:
		panic("fill: add " + v.Kind().String())
	}
}

func stdJSON(t *testing.T, v any, escapeHTML bool) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(escapeHTML)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// TestJSONAppendersAreStandardJSON (issue 19): the hand-written encoders of a
// work order, a history event and a task, and the API's answer (APIBody),
// write byte for byte what encoding/json writes, with and without HTML
// escaping, over thousands of randomly filled records — so an integration sees
// the bytes it always did; a time encoding/json refuses is refused.
func TestJSONAppendersAreStandardJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 2026))
	for i := range 3000 {
		var w core.WorkOrder
		fill(r, reflect.ValueOf(&w).Elem())
		for _, html := range []bool{true, false} {
			got, err := core.AppendWorkOrderJSON([]byte("prefix"), &w, html)
			if err != nil {
				t.Fatal(err)
			}
			if want := "prefix" + stdJSON(t, &w, html); string(got) != want {
				t.Fatalf("work order %d (html %v):\n got %s\nwant %s", i, html, got, want)
			}
		}
		// The API's answer: HTML as it is, the history an array even when empty.
		body, err := core.APIBody(w)
		if err != nil {
			t.Fatal(err)
		}
		if w.History == nil {
			w.History = []core.Event{}
		}
		if want := stdJSON(t, &w, false); string(body) != want {
			t.Fatalf("API body of work order %d:\n got %s\nwant %s", i, body, want)
		}
		var ev core.Event
		fill(r, reflect.ValueOf(&ev).Elem())
		if got, _ := core.AppendEventJSON(nil, &ev); string(got) != stdJSON(t, &ev, true) {
			t.Fatalf("event %d:\n got %s\nwant %s", i, got, stdJSON(t, &ev, true))
		}
		var task core.Task
		fill(r, reflect.ValueOf(&task).Elem())
		if got, _ := core.AppendTaskJSON(nil, &task); string(got) != stdJSON(t, &task, true) {
			t.Fatalf("task %d:\n got %s\nwant %s", i, got, stdJSON(t, &task, true))
		}
	}
	bad := core.WorkOrder{CreatedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}
	if _, err := core.AppendWorkOrderJSON(nil, &bad, true); err == nil {
		t.Error("a year after 9999 was written; encoding/json refuses it")
	}
	if _, err := json.Marshal(&bad); err == nil {
		t.Error("encoding/json accepted a year after 9999")
	}
}

// TestIDUnmarshalJSON: an id reads from a number, a number in a string or
// null; anything else, and a number past 2^64-1, is an error.
func TestIDUnmarshalJSON(t *testing.T) {
	for in, want := range map[string]core.ID{`0`: 0, `null`: 0, `""`: 0, `7`: 7, `"42"`: 42, `18446744073709551615`: 1<<64 - 1} {
		var id core.ID = 99
		if err := id.UnmarshalJSON([]byte(in)); err != nil || id != want {
			t.Errorf("%s: got %d, %v; want %d", in, id, err, want)
		}
	}
	for _, in := range []string{`18446744073709551616`, `99999999999999999999`, `-1`, `+1`, `1.5`, `" 1"`, `1e3`, `"x"`, `true`} {
		var id core.ID
		if err := id.UnmarshalJSON([]byte(in)); err == nil {
			t.Errorf("%s: read as %d, want an error", in, id)
		}
	}
}
