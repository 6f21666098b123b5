package qrcode

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"path/filepath"
	"strings"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
	"rsc.io/qr"
)

// Sticker is one QR code on a sheet with the label printed under it (a device
// code: ASCII letters, digits, dot, dash, underscore).
type Sticker struct {
	Link  string
	Label string
}

// A sheet is an A4 page at 300 dpi: 210 × 297 mm.
const (
	DPI         = 300
	pageW       = 2480 // 210 mm
	pageH       = 3508 // 297 mm
	pageMargin  = 118  // 10 mm
	quietZone   = 4    // modules of white around a code (ISO/IEC 18004)
	labelScale  = 3    // the 7×13 font, three times: 3.3 mm capitals
	labelHeight = 13*labelScale + 24
	cellPad     = 30
	minModule   = 6 // pixels per module: 0.5 mm, what a phone reads from a hand's length
)

// Sheet lays stickers out on A4 pages at 300 dpi, cols across, as PNGs (one
// per page) that print at their true size: every code as large as its cell
// allows, its four-module quiet zone kept, its label under it, light cut
// lines between the cells.
func Sheet(stickers []Sticker, cols int) ([][]byte, error) {
	if len(stickers) == 0 {
		return nil, fmt.Errorf("no stickers to print")
	}
	if cols < 1 {
		cols = 3
	}
	codes := make([]*qr.Code, len(stickers))
	modules := 0
	for i, s := range stickers {
		c, err := qr.Encode(s.Link, qr.M)
		if err != nil {
			return nil, fmt.Errorf("sticker %s: %w", s.Label, err)
		}
		codes[i] = c
		modules = max(modules, c.Size+2*quietZone)
	}
	cellW := (pageW - 2*pageMargin) / cols
	scale := (cellW - 2*cellPad) / modules
	if scale < minModule {
		return nil, fmt.Errorf("%d stickers across leave %d pixels a module, too small to scan: use at most %d columns", cols, scale, max(1, (pageW-2*pageMargin)/(modules*minModule+2*cellPad)))
	}
	side := modules * scale
	cellH := side + labelHeight + 2*cellPad
	rows := max(1, (pageH-2*pageMargin)/cellH)
	perPage := rows * cols
	var pages [][]byte
	for first := 0; first < len(stickers); first += perPage {
		img := image.NewGray(image.Rect(0, 0, pageW, pageH))
		draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
		last := min(len(stickers), first+perPage)
		for i := first; i < last; i++ {
			k := i - first
			x0, y0 := pageMargin+(k%cols)*cellW, pageMargin+(k/cols)*cellH
			cutLines(img, image.Rect(x0, y0, x0+cellW, y0+cellH))
			qx := x0 + (cellW-side)/2
			drawCode(img, codes[i], qx, y0+cellPad, scale, modules)
			drawLabel(img, stickers[i].Label, x0+cellW/2, y0+cellPad+side+8)
		}
		b, err := encodePNG(img)
		if err != nil {
			return nil, err
		}
		pages = append(pages, b)
	}
	return pages, nil
}

// drawCode draws c with its quiet zone at (x, y), scale pixels a module.
// (rsc.io/qr's Image ignores Scale: it would draw one pixel a module.)
func drawCode(img *image.Gray, c *qr.Code, x, y, scale, modules int) {
	off := (modules - c.Size) / 2
	black := image.NewUniform(color.Gray{0})
	for my := 0; my < c.Size; my++ {
		for mx := 0; mx < c.Size; mx++ {
			if c.Black(mx, my) {
				px, py := x+(off+mx)*scale, y+(off+my)*scale
				draw.Draw(img, image.Rect(px, py, px+scale, py+scale), black, image.Point{}, draw.Src)
			}
		}
	}
}

// drawLabel writes label centred at cx, top y, in the 7×13 font scaled up.
func drawLabel(img *image.Gray, label string, cx, y int) {
	face := basicfont.Face7x13
	w := font.MeasureString(face, label).Round()
	small := image.NewGray(image.Rect(0, 0, w+2, 16))
	draw.Draw(small, small.Bounds(), image.White, image.Point{}, draw.Src)
	d := font.Drawer{Dst: small, Src: image.NewUniform(color.Black), Face: face, Dot: fixed.P(1, 12)}
	d.DrawString(label)
	x := cx - small.Bounds().Dx()*labelScale/2
	for sy := 0; sy < small.Bounds().Dy(); sy++ {
		for sx := 0; sx < small.Bounds().Dx(); sx++ {
			v := small.GrayAt(sx, sy)
			if v.Y < 128 {
				draw.Draw(img, image.Rect(x+sx*labelScale, y+sy*labelScale, x+(sx+1)*labelScale, y+(sy+1)*labelScale), image.NewUniform(color.Gray{0}), image.Point{}, draw.Src)
			}
		}
	}
}

// cutLines draws a light dashed border to cut along.
func cutLines(img *image.Gray, r image.Rectangle) {
	grey := color.Gray{0xC8}
	for x := r.Min.X; x < r.Max.X; x++ {
		if (x/12)%2 == 0 {
			img.SetGray(x, r.Min.Y, grey)
			img.SetGray(x, r.Max.Y-1, grey)
		}
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		if (y/12)%2 == 0 {
			img.SetGray(r.Min.X, y, grey)
			img.SetGray(r.Max.X-1, y, grey)
		}
	}
}

// encodePNG writes img with its resolution (a pHYs chunk of 300 dpi), so
// printers and viewers size it as A4.
func encodePNG(img image.Image) ([]byte, error) {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, err
	}
	raw := b.Bytes()
	const ihdrEnd = 8 + 4 + 4 + 13 + 4    // signature, IHDR length, type, data, CRC
	const ppm = uint32(DPI * 10000 / 254) // pixels a metre
	chunk := make([]byte, 0, 21)
	chunk = binary.BigEndian.AppendUint32(chunk, 9)
	chunk = append(chunk, "pHYs"...)
	chunk = binary.BigEndian.AppendUint32(chunk, ppm)
	chunk = binary.BigEndian.AppendUint32(chunk, ppm)
	chunk = append(chunk, 1) // unit: metre
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	out := make([]byte, 0, len(raw)+len(chunk))
	out = append(out, raw[:ihdrEnd]...)
	out = append(out, chunk...)
	return append(out, raw[ihdrEnd:]...), nil
}

// SheetPDF puts sheet pages (from Sheet) into one A4 PDF, each page filling
// its page at true size.
func SheetPDF(pages [][]byte) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreator("switchboard", true)
	pdf.SetCompression(true)
	for i, p := range pages {
		pdf.AddPage()
		name := fmt.Sprintf("page%d", i+1)
		pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(p))
		pdf.ImageOptions(name, 0, 0, 210, 297, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// SheetFiles is a sheet as the files to write for name: one PDF when name
// ends in .pdf, else one PNG a page (name, then name-2.png, name-3.png …).
func SheetFiles(name string, stickers []Sticker, cols int) ([]File, error) {
	pages, err := Sheet(stickers, cols)
	if err != nil {
		return nil, err
	}
	if ext := extOf(name); ext == ".pdf" {
		b, err := SheetPDF(pages)
		if err != nil {
			return nil, err
		}
		return []File{{Name: name, Data: b}}, nil
	}
	files := make([]File, len(pages))
	base := name
	if extOf(name) == ".png" {
		base = name[:len(name)-4]
	}
	for i, p := range pages {
		files[i] = File{Name: name, Data: p}
		if i > 0 {
			files[i].Name = fmt.Sprintf("%s-%d.png", base, i+1)
		}
	}
	return files, nil
}

// File is one file to write.
type File struct {
	Name string
	Data []byte
}

func extOf(name string) string { return strings.ToLower(filepath.Ext(name)) }
