package qrcode

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"

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

// Sheet lays stickers out in a grid, cols across, each code scale pixels per
// module with its label underneath, as one printable PNG.
func Sheet(stickers []Sticker, cols, scale int) ([]byte, error) {
	if len(stickers) == 0 {
		return nil, fmt.Errorf("no stickers to print")
	}
	if cols < 1 {
		cols = 3
	}
	if scale < 1 {
		scale = 6
	}
	codes := make([]*qr.Code, len(stickers))
	side := 0
	for i, s := range stickers {
		c, err := qr.Encode(s.Link, qr.M)
		if err != nil {
			return nil, fmt.Errorf("sticker %s: %w", s.Label, err)
		}
		c.Scale = scale
		codes[i] = c
		side = max(side, c.Image().Bounds().Dx())
	}
	const labelH, gap = 24, 16
	cellW, cellH := side+gap, side+labelH+gap
	rows := (len(stickers) + cols - 1) / cols
	img := image.NewRGBA(image.Rect(0, 0, cols*cellW+gap, rows*cellH+gap))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	face := basicfont.Face7x13
	for i, c := range codes {
		x, y := gap+(i%cols)*cellW, gap+(i/cols)*cellH
		q := c.Image()
		draw.Draw(img, image.Rect(x, y, x+q.Bounds().Dx(), y+q.Bounds().Dy()), q, q.Bounds().Min, draw.Src)
		label := stickers[i].Label
		w := font.MeasureString(face, label).Round()
		d := font.Drawer{Dst: img, Src: image.NewUniform(color.Black), Face: face,
			Dot: fixed.P(x+max(0, (q.Bounds().Dx()-w)/2), y+q.Bounds().Dy()+16)}
		d.DrawString(label)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
