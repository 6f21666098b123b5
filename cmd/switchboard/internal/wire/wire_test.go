package wire

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
)

// TestRoundTrip: every frame kind written is read back as written, and long
// payloads are split into frames of at most MaxPayload.
func TestRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	h := HelloMsg{Version: Version, Kind: KindConsole, Args: []string{"--db", "x.db"}, Cwd: "/tmp", Env: map[string]string{"TERM": "xterm"}, Width: 120, Height: 40, Profile: 1, Dark: true, As: "li.na"}
	big := bytes.Repeat([]byte("x"), MaxPayload+10)
	for _, err := range []error{w.WriteHello(h), w.WriteResize(200, 50), w.Write(Stdout, big), w.WriteExit(-3, "bye")} {
		if err != nil {
			t.Fatal(err)
		}
	}
	f, err := ReadFrame(&buf)
	if err != nil || f.Type != Hello {
		t.Fatalf("%v %v", f.Type, err)
	}
	got, err := ParseHello(f.Payload)
	if err != nil || got.As != "li.na" || got.Width != 120 || got.Env["TERM"] != "xterm" {
		t.Fatalf("%+v %v", got, err)
	}
	f, _ = ReadFrame(&buf)
	if wd, ht, err := ParseResize(f.Payload); err != nil || wd != 200 || ht != 50 {
		t.Fatalf("resize %d %d %v", wd, ht, err)
	}
	var out []byte
	for range 2 {
		f, err = ReadFrame(&buf)
		if err != nil || f.Type != Stdout {
			t.Fatalf("%v %v", f.Type, err)
		}
		out = append(out, f.Payload...)
	}
	if !bytes.Equal(out, big) {
		t.Fatal("split payload does not join up")
	}
	f, _ = ReadFrame(&buf)
	if code, msg, err := ParseExit(f.Payload); err != nil || code != -3 || msg != "bye" {
		t.Fatalf("exit %d %q %v", code, msg, err)
	}
	if _, err := ReadFrame(&buf); err != io.EOF {
		t.Fatalf("at the end: %v, want io.EOF", err)
	}
}

// TestReadFrameRefuses: a truncated frame, an unknown type and an oversized length
// are errors, and the oversized one allocates nothing.
func TestReadFrameRefuses(t *testing.T) {
	huge := []byte{byte(Stdout), 0, 0, 0, 0}
	binary.BigEndian.PutUint32(huge[1:], 1<<31)
	for name, in := range map[string][]byte{
		"cut header":   {byte(Stdout), 0, 0},
		"cut payload":  {byte(Stdout), 0, 0, 0, 5, 'a'},
		"unknown type": {99, 0, 0, 0, 0},
		"zero type":    {0, 0, 0, 0, 0},
		"oversized":    huge,
	} {
		_, err := ReadFrame(bytes.NewReader(in))
		if err == nil || err == io.EOF {
			t.Errorf("%s: %v, want an error", name, err)
		}
	}
	if _, err := ReadFrame(bytes.NewReader(huge)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized: %v", err)
	}
}

// FuzzReadFrame: no input makes the decoder panic or return a frame it could not
// have read; whatever decodes re-encodes to the same bytes; and the payload
// parsers never panic.
func FuzzReadFrame(f *testing.F) {
	var seed bytes.Buffer
	w := NewWriter(&seed)
	_ = w.WriteHello(HelloMsg{Version: 1, Kind: KindCLI, Args: []string{"wo", "list"}})
	_ = w.WriteResize(80, 24)
	_ = w.Write(Stdin, []byte("q"))
	_ = w.WriteExit(0, "")
	f.Add(seed.Bytes())
	f.Add([]byte{byte(Exit), 0, 0, 0, 2, 0, 0})
	f.Add([]byte{byte(Hello), 0, 0, 0, 2, '{', '}'})
	f.Fuzz(func(t *testing.T, in []byte) {
		r := bytes.NewReader(in)
		for {
			before := r.Len()
			fr, err := ReadFrame(r)
			if err != nil {
				return
			}
			if len(fr.Payload) > MaxPayload || before-r.Len() != 5+len(fr.Payload) {
				t.Fatalf("frame of %d bytes from %d bytes read", len(fr.Payload), before-r.Len())
			}
			var again bytes.Buffer
			if err := NewWriter(&again).Write(fr.Type, fr.Payload); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again.Bytes(), in[len(in)-before:len(in)-r.Len()]) {
				t.Fatal("re-encoding differs")
			}
			switch fr.Type {
			case Hello:
				if h, err := ParseHello(fr.Payload); err == nil && (h.Width < 0 || h.Height < 0) {
					t.Fatalf("negative size accepted: %+v", h)
				}
			case Resize:
				if wd, ht, err := ParseResize(fr.Payload); err == nil && (wd > 10000 || ht > 10000) {
					t.Fatal("huge size accepted")
				}
			case Exit:
				_, _, _ = ParseExit(fr.Payload)
			}
		}
	})
}
