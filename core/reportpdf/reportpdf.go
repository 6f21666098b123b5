// Package reportpdf renders a service report version as a printable A4 PDF
// (R-REP-1), in a font that has the Chinese characters customers' names,
// addresses and engineers' notes are written in. The font is embedded in the
// binary (see font/README.md): nothing is downloaded at run time.
package reportpdf

import (
	"bytes"
	_ "embed"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"switchboard/core"
)

//go:embed font/NotoSansCJKsc-ExtA.ttf
var extATTF []byte

// extA is the font of CJK Extension A ideographs (U+3400–U+4DBF), which the
// report font lacks.
const extA = "report-ext-a"

//go:embed font/WenQuanYiMicroHei-subset.ttf
var fontTTF []byte

const family = "report"

// FileName is the name a downloaded report gets: WO-000123-report-v2.pdf.
func FileName(r *core.ServiceReport) string {
	return fmt.Sprintf("%s-report-v%d.pdf", r.Number, r.Version)
}

// Write renders version r of the report in v as a PDF, with times in loc. The
// same version always gives the same bytes (the document's dates are the
// version's own).
func Write(w io.Writer, v *core.ReportView, r *core.ServiceReport, loc *time.Location) error {
	return WriteWithPhotos(w, v, r, loc, nil)
}

// WriteWithPhotos is Write with the version's photos (r.Photos' bytes, in
// order), printed two to a row under "Photos", each scaled to its column.
func WriteWithPhotos(w io.Writer, v *core.ReportView, r *core.ServiceReport, loc *time.Location, photos [][]byte) error {
	if r == nil {
		return fmt.Errorf("%s has no service report yet", v.Number)
	}
	if loc == nil {
		loc = time.Local
	}
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCompression(true)
	p.SetCatalogSort(true) // two fonts: the same version still renders to the same bytes
	p.SetCreationDate(r.CreatedAt)
	p.SetModificationDate(r.CreatedAt)
	p.SetTitle(fmt.Sprintf("Service report %s v%d", r.Number, r.Version), true)
	p.SetAuthor(r.Engineer, true)
	p.SetCreator("Switchboard", true)
	p.SetProducer("Switchboard", true)
	p.AddUTF8FontFromBytes(family, "", fontTTF)
	p.AddUTF8FontFromBytes(extA, "", bytes.Clone(extATTF)) // fpdf changes the bytes it is given
	if err := p.Error(); err != nil {
		return fmt.Errorf("report font: %w", err)
	}
	p.SetMargins(18, 16, 18)
	p.SetAutoPageBreak(true, 20)
	p.AliasNbPages("{nb}")
	p.SetFooterFunc(func() {
		p.SetY(-14)
		p.SetFont(family, "", 7)
		p.SetTextColor(110, 110, 110)
		p.CellFormat(0, 4, fmt.Sprintf("%s · v%d · SHA-256 %s", r.Number, r.Version, r.SHA256), "", 1, "L", false, 0, "")
		p.CellFormat(0, 4, fmt.Sprintf("Page %d/{nb}", p.PageNo()), "", 0, "R", false, 0, "")
	})
	p.AddPage()
	d := doc{p: p, loc: loc, photos: photos}
	d.write(v, r)
	return p.Output(w)
}

type doc struct {
	p      *fpdf.Fpdf
	loc    *time.Location
	photos [][]byte
}

func (d *doc) ts(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(d.loc).Format("2006-01-02 15:04 MST")
}

func (d *doc) write(v *core.ReportView, r *core.ServiceReport) {
	p := d.p
	p.SetTextColor(20, 20, 20)
	p.SetFont(family, "", 18)
	p.CellFormat(0, 10, "服务报告 Service report", "", 1, "L", false, 0, "")
	p.SetFont(family, "", 10)
	p.SetTextColor(80, 80, 80)
	p.CellFormat(0, 6, fmt.Sprintf("%s · version %d of %d · made %s by %s", r.Number, r.Version, len(v.Versions), d.ts(r.CreatedAt), r.CreatedBy), "", 1, "L", false, 0, "")
	p.Ln(3)

	dur := core.DurationText(r.StartedAt, r.FinishedAt)
	d.fields([][2]string{
		{"工单 Work order", r.Number + "  " + r.Subject},
		{"类型 Record type", r.RecordType},
		{"客户 Customer", r.Customer},
		{"单位 Account", r.Account},
		{"电话 Phone", r.Phone},
		{"地址 Address", r.Address},
		{"设备 Device", r.DeviceCode},
		{"工程师 Engineer", r.Engineer},
		{"服务商 Provider", r.Provider},
		{"开始 Started", d.ts(r.StartedAt)},
		{"完成 Finished", d.ts(r.FinishedAt)},
		{"用时 Duration", dur},
	})

	d.heading("服务内容 Work done")
	d.para(orDash(r.WorkDone))

	d.heading("使用配件 Parts used")
	if len(r.Parts) == 0 {
		d.para("—")
	} else {
		p.SetFont(family, "", 9)
		p.SetFillColor(235, 238, 242)
		p.CellFormat(130, 7, "配件 Part", "1", 0, "L", true, 0, "")
		p.CellFormat(0, 7, "数量 Quantity", "1", 1, "R", true, 0, "")
		p.SetFont(family, "", 10)
		for _, part := range r.Parts {
			if hasExtA(part.Name) {
				d.cellMixed(130, 7, part.Name)
			} else {
				p.CellFormat(130, 7, part.Name, "1", 0, "L", false, 0, "")
			}
			p.CellFormat(0, 7, core.QuantityText(part.Quantity), "1", 1, "R", false, 0, "")
		}
		p.Ln(2)
	}

	if r.Notes != "" {
		d.heading("备注 Notes")
		d.para(r.Notes)
	}
	d.photoSection(r)

	d.heading("客户签字 Customer signature")
	s := r.Signature
	if s == nil {
		msg := "未签字 Not signed."
		if v.Status.SignedVersion > 0 && v.Status.SignedVersion != r.Version {
			msg += fmt.Sprintf(" Version %d was signed by %s; this version is not.", v.Status.SignedVersion, v.Status.Signer)
		}
		d.para(msg)
	} else {
		d.para(fmt.Sprintf("签字人 Signed by %s · %s · %s signature · from %s", s.Name, d.ts(s.SignedAt), s.Method, s.IP))
		if img, ok := flatten(s.PNG); ok {
			p.RegisterImageOptionsReader("signature", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(img))
			if p.Error() == nil {
				y := p.GetY()
				p.ImageOptions("signature", p.GetX(), y, 70, 0, true, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
			}
		} else {
			p.SetFont(family, "", 16)
			p.CellFormat(0, 10, s.Name, "B", 1, "L", false, 0, "")
		}
		p.SetFont(family, "", 8)
		p.SetTextColor(80, 80, 80)
		p.MultiCell(0, 4.5, "The signature covers exactly this version: SHA-256 "+s.ReportSHA256, "", "L", false)
		p.SetTextColor(20, 20, 20)
	}
	if err := r.Check(); err != nil {
		p.Ln(2)
		p.SetTextColor(180, 30, 30)
		p.SetFont(family, "", 10)
		p.MultiCell(0, 5.5, "WARNING: "+err.Error(), "", "L", false)
		p.SetTextColor(20, 20, 20)
	}
}

func (d *doc) heading(s string) {
	p := d.p
	p.Ln(3)
	p.SetFont(family, "", 12)
	p.SetTextColor(31, 58, 95)
	p.CellFormat(0, 7, s, "B", 1, "L", false, 0, "")
	p.SetTextColor(20, 20, 20)
	p.Ln(1.5)
}

func (d *doc) para(s string) {
	d.p.SetFont(family, "", 10)
	if hasExtA(s) {
		d.mixed(s, 10, 5.5)
		return
	}
	d.p.MultiCell(0, 5.5, s, "", "L", false)
}

// hasExtA reports whether s has a CJK Extension A ideograph.
func hasExtA(s string) bool {
	for _, r := range s {
		if isExtA(r) {
			return true
		}
	}
	return false
}

func isExtA(r rune) bool { return r >= 0x3400 && r <= 0x4DBF }

// mixed writes s as flowing text from the current position, wrapped at the
// right margin (and back to the left margin), switching to the Extension A
// font for those ideographs; then a line break of lineH.
func (d *doc) mixed(s string, size, lineH float64) {
	p := d.p
	for len(s) > 0 {
		run, font := nextRun(s)
		p.SetFont(font, "", size)
		p.Write(lineH, run)
		s = s[len(run):]
	}
	p.SetFont(family, "", size)
	p.Ln(lineH)
}

// fields writes label/value rows; empty values are left out.
func (d *doc) fields(rows [][2]string) {
	p := d.p
	for _, r := range rows {
		if strings.TrimSpace(r[1]) == "" {
			continue
		}
		p.SetFont(family, "", 9)
		p.SetTextColor(90, 90, 90)
		p.CellFormat(38, 6, r[0], "", 0, "L", false, 0, "")
		p.SetFont(family, "", 10)
		p.SetTextColor(20, 20, 20)
		if hasExtA(r[1]) {
			// Wrapped lines go under the value, not under the label.
			left, top, right, _ := p.GetMargins()
			p.SetMargins(p.GetX(), top, right)
			d.mixed(r[1], 10, 6)
			p.SetMargins(left, top, right)
			p.SetX(left)
			continue
		}
		p.MultiCell(0, 6, r[1], "", "L", false)
	}
}

// flatten puts a drawn signature on white (PDF viewers differ on transparent
// PNGs) and re-encodes it; ok is false when there is no drawing.
func flatten(b []byte) ([]byte, bool) {
	if len(b) == 0 {
		return nil, false
	}
	src, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, false
	}
	dst := image.NewRGBA(src.Bounds())
	draw.Draw(dst, dst.Bounds(), &image.Uniform{C: color.White}, image.Point{}, draw.Src)
	draw.Draw(dst, dst.Bounds(), src, src.Bounds().Min, draw.Over)
	var out bytes.Buffer
	if err := png.Encode(&out, dst); err != nil {
		return nil, false
	}
	return out.Bytes(), true
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// photoSection prints the version's photos two to a row, each scaled to fit
// an 85 mm column (and at most 100 mm high), with its file name under it.
func (d *doc) photoSection(r *core.ServiceReport) {
	if len(r.Photos) == 0 || len(d.photos) != len(r.Photos) {
		return
	}
	p := d.p
	d.heading("现场照片 Photos")
	const colW, maxH, gap = 85.0, 100.0, 4.0
	left, _, _, _ := p.GetMargins()
	for i, ph := range r.Photos {
		typ := "JPG"
		if ph.ContentType == "image/png" {
			typ = "PNG"
		}
		name := fmt.Sprintf("photo-%d", ph.Attachment)
		p.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: typ}, bytes.NewReader(d.photos[i]))
		if p.Err() {
			p.ClearError()
			continue
		}
		w, h := colW, colW*float64(ph.Height)/float64(max(1, ph.Width))
		if h > maxH {
			w, h = maxH*float64(ph.Width)/float64(max(1, ph.Height)), maxH
		}
		x := left
		if i%2 == 1 {
			x = left + colW + gap
		}
		_, pageH := p.GetPageSize()
		if i%2 == 0 && p.GetY()+h+10 > pageH-20 {
			p.AddPage()
		}
		y := p.GetY()
		p.ImageOptions(name, x, y, w, h, false, fpdf.ImageOptions{ImageType: typ}, 0, "")
		p.SetXY(x, y+h+1)
		p.SetFont(family, "", 7)
		p.CellFormat(colW, 4, ph.Filename, "", 0, "L", false, 0, "")
		if i%2 == 1 || i == len(r.Photos)-1 {
			p.SetXY(left, y+min(maxH, h)+7)
			if i%2 == 1 {
				// The row's height is the taller photo's: keep going under both.
				p.SetY(y + rowHeight(r.Photos, i, colW, maxH) + 7)
			}
		}
	}
	p.SetFont(family, "", 10)
}

// rowHeight is the printed height of the row ending at photo i.
func rowHeight(ps []core.ReportPhoto, i int, colW, maxH float64) float64 {
	h := 0.0
	for _, ph := range ps[i-1 : i+1] {
		x := colW * float64(ph.Height) / float64(max(1, ph.Width))
		h = max(h, min(x, maxH))
	}
	return h
}

// cellMixed is a bordered one-line cell of width w whose text may hold
// Extension A ideographs: the border first, then the text run by run.
func (d *doc) cellMixed(w, h float64, s string) {
	p := d.p
	x, y := p.GetXY()
	p.CellFormat(w, h, "", "1", 0, "L", false, 0, "")
	p.SetXY(x+1, y)
	for len(s) > 0 {
		run, font := nextRun(s)
		p.SetFont(font, "", 10)
		rw := p.GetStringWidth(run)
		if p.GetX()+rw > x+w-1 {
			break // what does not fit is cut, as CellFormat would
		}
		p.CellFormat(rw, h, run, "", 0, "L", false, 0, "")
		s = s[len(run):]
	}
	p.SetFont(family, "", 10)
	p.SetXY(x+w, y)
}

// nextRun is s's first run of characters of one font: Extension A
// ideographs, or everything else.
func nextRun(s string) (run, font string) {
	ext, i := false, 0
	for j, r := range s {
		if j == 0 {
			ext = isExtA(r)
		} else if isExtA(r) != ext {
			break
		}
		i = j + len(string(r))
	}
	if ext {
		return s[:i], extA
	}
	return s[:i], family
}
