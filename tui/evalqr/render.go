package evalqr

import (
	"strings"
	"unicode/utf8"

	"switchboard/core/qrcode"
)

// qrArt is a QR code drawn for the terminal at some scale.
type qrArt struct {
	lines []string
	w, h  int
	scale int
}

// drawQR draws link as large as fits in w×h cells: qrterminal's half-block
// drawing (two modules per cell, top and bottom) at scale 1, and at scale k ≥ 2
// every module k cells wide and k/2 lines high (cells are about twice as tall as
// wide, so modules stay square). ok is false when even scale 1 does not fit.
func drawQR(link string, w, h int) (qrArt, bool) {
	base := strings.Split(strings.TrimRight(qrcode.Terminal(link), "\n"), "\n")
	bw := 0
	for _, l := range base {
		bw = max(bw, utf8.RuneCountInString(l))
	}
	modules := bw // the code is square; the half-block drawing may end in a spare half line
	if bw > w || len(base) > h {
		return qrArt{}, false
	}
	best := 1
	for k := 2; k*bw <= w && (k/2)*modules <= h; k += 2 {
		best = k
	}
	if best == 1 {
		return qrArt{lines: base, w: bw, h: len(base), scale: 1}, true
	}
	grid := modulesOf(base, bw)[:modules]
	var out []string
	var b strings.Builder
	for _, row := range grid {
		b.Reset()
		for _, light := range row {
			c := " "
			if light {
				c = "█"
			}
			b.WriteString(strings.Repeat(c, best))
		}
		line := b.String()
		for range best / 2 {
			out = append(out, line)
		}
	}
	return qrArt{lines: out, w: best * bw, h: len(out), scale: best}, true
}

// modulesOf reads the half-block drawing back into module rows: true for a
// light module ("█" is light over light, "▀" light over dark, "▄" dark over
// light, " " dark over dark).
func modulesOf(lines []string, w int) [][]bool {
	var grid [][]bool
	for _, l := range lines {
		top, bottom := make([]bool, w), make([]bool, w)
		i := 0
		for _, r := range l {
			switch r {
			case '█':
				top[i], bottom[i] = true, true
			case '▀':
				top[i] = true
			case '▄':
				bottom[i] = true
			}
			i++
		}
		grid = append(grid, top, bottom)
	}
	return grid
}
