// Package wire is the small framed protocol between a switchboard client (a
// console or a CLI command) and the switchboard server that owns the database,
// spoken over the server's unix socket.
//
// A frame is a 1-byte type, a 4-byte big-endian payload length and the payload.
// The client opens with one Hello frame; then the client sends Stdin, StdinEOF and
// Resize frames, and the server sends Stdout, Stderr, WantStdin frames and, last,
// one Exit frame with the exit status and, when the server refused or ended the
// session, a sentence for the user.
package wire

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
)

// Type says what a frame carries.
type Type byte

// The frame types. Numbers are part of the protocol: only append.
const (
	Hello     Type = 1  // client → server, first frame: JSON Hello
	Stdin     Type = 2  // client → server: bytes of the client's stdin (keys, for a console)
	StdinEOF  Type = 3  // client → server: stdin ended
	Resize    Type = 4  // client → server: the terminal's new size (8 bytes: width, height)
	Stdout    Type = 5  // server → client: bytes for the client's stdout
	Stderr    Type = 6  // server → client: bytes for the client's stderr
	Exit      Type = 7  // server → client, last frame: 4-byte status, then an optional message
	WantStdin Type = 8  // server → client: the command reads stdin; start sending it
	SaveFile  Type = 9  // server → client: part of a file the user asked to save (FileHeader, then bytes)
	FileSaved Type = 10 // client → server: where the client saved a file, or why it could not (FileResult)
)

// MaxPayload bounds one frame, so a broken or hostile peer cannot make the other
// side allocate without limit.
const MaxPayload = 1 << 20

// Version is sent in Hello; a server refuses a client of another version (the
// binary was upgraded while a server of the old one runs). 2: files are
// saved by the client (SaveFile, FileSaved).
const Version = 2

// Kinds of session a Hello asks for.
const (
	KindCLI     = "cli"
	KindConsole = "console"
)

// HelloMsg is the client's first frame.
type HelloMsg struct {
	Version int    `json:"version"`
	Kind    string `json:"kind"`
	// Args are the command line (without the program name).
	Args []string `json:"args"`
	// Cwd is the client's working directory: relative paths resolve against it.
	Cwd string `json:"cwd"`
	// Build identifies the client's executable: a server of another build
	// (switchboard was upgraded while it ran) still runs the command, with its
	// own code, and says so.
	Build string `json:"build,omitempty"`
	// Env is the subset of the client's environment commands read.
	Env map[string]string `json:"env"`
	// StdoutWidth is the client's terminal width when stdout is a terminal, else 0.
	StdoutWidth int `json:"stdout_width,omitempty"`
	// For a console: the terminal, its colour profile (termenv.Profile), whether its
	// background is dark, its size, and the acting login asked for (--as or
	// SWITCHBOARD_USER; "" for none).
	Term    string `json:"term,omitempty"`
	Profile int    `json:"profile,omitempty"`
	Dark    bool   `json:"dark,omitempty"`
	Width   int    `json:"width,omitempty"`
	Height  int    `json:"height,omitempty"`
	As      string `json:"as,omitempty"`
	// Theme names the console's colours ("" or auto: follow the background);
	// NoMouse leaves the mouse to the terminal.
	Theme   string `json:"theme,omitempty"`
	NoMouse bool   `json:"no_mouse,omitempty"`
	// Listen, PublicURL and SSH are the console's listener flags, sent only when
	// given to a console that attached to a server already running (which keeps
	// its own listeners; the console says so).
	Listen    string `json:"listen,omitempty"`
	PublicURL string `json:"public_url,omitempty"`
	SSH       string `json:"ssh,omitempty"`
}

// Frame is one decoded frame.
type Frame struct {
	Type    Type
	Payload []byte
}

// ErrTooLarge is a frame longer than MaxPayload.
var ErrTooLarge = errors.New("wire: frame larger than 1 MiB")

// ReadFrame reads one frame. It returns io.EOF only at a clean frame boundary and
// io.ErrUnexpectedEOF for a frame cut short.
func ReadFrame(r io.Reader) (Frame, error) {
	var head [5]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return Frame{}, err
	}
	t := Type(head[0])
	if t < Hello || t > FileSaved {
		return Frame{}, fmt.Errorf("wire: unknown frame type %d", head[0])
	}
	n := binary.BigEndian.Uint32(head[1:])
	if n > MaxPayload {
		return Frame{}, ErrTooLarge
	}
	p := make([]byte, n)
	if _, err := io.ReadFull(r, p); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return Frame{}, err
	}
	return Frame{Type: t, Payload: p}, nil
}

// Writer writes whole frames; it is safe for concurrent use.
type Writer struct {
	mu sync.Mutex
	w  io.Writer
}

// NewWriter frames onto w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write sends one frame, splitting payloads longer than MaxPayload.
func (w *Writer) Write(t Type, p []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for {
		n := min(len(p), MaxPayload)
		buf := make([]byte, 5+n)
		buf[0] = byte(t)
		binary.BigEndian.PutUint32(buf[1:], uint32(n))
		copy(buf[5:], p[:n])
		if _, err := w.w.Write(buf); err != nil {
			return err
		}
		p = p[n:]
		if len(p) == 0 {
			return nil
		}
	}
}

// Stream is an io.Writer sending its bytes as frames of type t.
func (w *Writer) Stream(t Type) io.Writer { return streamWriter{w, t} }

type streamWriter struct {
	w *Writer
	t Type
}

func (s streamWriter) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if err := s.w.Write(s.t, p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// WriteHello sends the client's first frame.
func (w *Writer) WriteHello(h HelloMsg) error {
	b, err := json.Marshal(h)
	if err != nil {
		return err
	}
	return w.Write(Hello, b)
}

// ParseHello decodes a Hello payload.
func ParseHello(p []byte) (HelloMsg, error) {
	var h HelloMsg
	if err := json.Unmarshal(p, &h); err != nil {
		return HelloMsg{}, fmt.Errorf("wire: bad hello: %w", err)
	}
	if h.Kind != KindCLI && h.Kind != KindConsole {
		return HelloMsg{}, fmt.Errorf("wire: unknown session kind %q", h.Kind)
	}
	if h.Width < 0 || h.Height < 0 || h.Width > 10000 || h.Height > 10000 {
		return HelloMsg{}, fmt.Errorf("wire: terminal size %dx%d out of range", h.Width, h.Height)
	}
	return h, nil
}

// WriteResize sends a terminal size.
func (w *Writer) WriteResize(width, height int) error {
	var b [8]byte
	binary.BigEndian.PutUint32(b[:4], uint32(width))
	binary.BigEndian.PutUint32(b[4:], uint32(height))
	return w.Write(Resize, b[:])
}

// ParseResize decodes a Resize payload.
func ParseResize(p []byte) (width, height int, err error) {
	if len(p) != 8 {
		return 0, 0, fmt.Errorf("wire: resize frame of %d bytes, want 8", len(p))
	}
	wd, ht := binary.BigEndian.Uint32(p[:4]), binary.BigEndian.Uint32(p[4:])
	if wd > 10000 || ht > 10000 {
		return 0, 0, fmt.Errorf("wire: terminal size %dx%d out of range", wd, ht)
	}
	return int(wd), int(ht), nil
}

// WriteExit sends the exit status and an optional message for the user.
func (w *Writer) WriteExit(code int, msg string) error {
	b := make([]byte, 4+len(msg))
	binary.BigEndian.PutUint32(b, uint32(int32(code)))
	copy(b[4:], msg)
	return w.Write(Exit, b)
}

// ParseExit decodes an Exit payload.
func ParseExit(p []byte) (code int, msg string, err error) {
	if len(p) < 4 {
		return 0, "", fmt.Errorf("wire: exit frame of %d bytes, want at least 4", len(p))
	}
	return int(int32(binary.BigEndian.Uint32(p))), string(p[4:]), nil
}

// FileHeader introduces each part of a file the server asks the client to save:
// a person's PDF, PNG or CSV is written by their own process, where they are,
// with their permissions — never by the server.
type FileHeader struct {
	// ID ties the parts of one file together and names it in the FileResult.
	ID uint32 `json:"id"`
	// Name is the path the person gave or the one proposed for them; a
	// relative one is in the client's working directory.
	Name string `json:"name"`
	// Mode is the file's permission bits (0644, 0600).
	Mode uint32 `json:"mode"`
	// Overwrite replaces an existing file (a CLI's --out); otherwise the
	// client picks a free name ("report (2).pdf").
	Overwrite bool `json:"overwrite,omitempty"`
	// Final marks the last part.
	Final bool `json:"final,omitempty"`
}

// FileResult is the client's answer to a saved file.
type FileResult struct {
	ID uint32 `json:"id"`
	// Path is the absolute path written; Error, when set, says why nothing was.
	Path  string `json:"path,omitempty"`
	Error string `json:"error,omitempty"`
}

// MaxFileSize bounds a file the client accepts (a sheet of stickers as PNG is
// the largest the product writes).
const MaxFileSize = 256 << 20

// WriteFile sends data as the parts of file h (h.Final is set on the last).
func (w *Writer) WriteFile(h FileHeader, data []byte) error {
	const chunk = MaxPayload - 4096 // room for the header
	for {
		n := min(len(data), chunk)
		h.Final = n == len(data)
		head, err := json.Marshal(h)
		if err != nil {
			return err
		}
		p := make([]byte, 2+len(head)+n)
		binary.BigEndian.PutUint16(p, uint16(len(head)))
		copy(p[2:], head)
		copy(p[2+len(head):], data[:n])
		if err := w.Write(SaveFile, p); err != nil {
			return err
		}
		data = data[n:]
		if h.Final {
			return nil
		}
	}
}

// ParseFile decodes a SaveFile payload into its header and bytes.
func ParseFile(p []byte) (FileHeader, []byte, error) {
	var h FileHeader
	if len(p) < 2 {
		return h, nil, errors.New("wire: file frame too short")
	}
	n := int(binary.BigEndian.Uint16(p))
	if 2+n > len(p) {
		return h, nil, errors.New("wire: file frame header cut short")
	}
	if err := json.Unmarshal(p[2:2+n], &h); err != nil {
		return h, nil, fmt.Errorf("wire: bad file header: %w", err)
	}
	if h.Name == "" {
		return h, nil, errors.New("wire: file without a name")
	}
	return h, p[2+n:], nil
}

// WriteFileResult sends the client's answer.
func (w *Writer) WriteFileResult(r FileResult) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return w.Write(FileSaved, b)
}

// ParseFileResult decodes a FileSaved payload.
func ParseFileResult(p []byte) (FileResult, error) {
	var r FileResult
	if err := json.Unmarshal(p, &r); err != nil {
		return r, fmt.Errorf("wire: bad file result: %w", err)
	}
	return r, nil
}
