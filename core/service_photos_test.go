package core_test

import (
	"bytes"
	"image"
	"image/png"
	"strings"
	"testing"

	"switchboard/core"
	"switchboard/store/testdb"
)

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestReportPhotos (R-REP-1, issue 20.6): photos are checked (type, size,
// count, whose work order), a new report version holds them and its hash
// covers each one — a swapped photo shows as tampering.
func TestReportPhotos(t *testing.T) {
	_, svc, clk := testdb.Open(t)
	f := newFieldCo(t, svc, clk)
	f.rule(t, "all", "true", core.PolicyFixed, f.ann)
	w := f.create(t, core.NewWorkOrder{Subject: "s"})
	bob := mustUser(t, svc, f.admin, "bob.eng", core.RoleEngineer)
	bob.User.EngineerID = f.bob.ID
	if _, err := svc.AddPhoto(bob, w.Number, "x.png", pngBytes(t, 10, 10)); err == nil || !strings.Contains(err.Error(), "own work orders") {
		t.Fatalf("another engineer's work order: %v", err)
	}
	if _, err := svc.AddPhoto(f.admin, w.Number, "huge.png", pngBytes(t, core.MaxPhotoSide+1, 1)); err == nil || !strings.Contains(err.Error(), "pixels") {
		t.Fatalf("too large: %v", err)
	}
	if _, err := svc.AddPhoto(f.admin, w.Number, "evil.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)); err == nil || !strings.Contains(err.Error(), "not a JPEG or PNG") {
		t.Fatalf("an SVG: %v", err)
	}
	a, err := svc.AddPhoto(f.admin, w.Number, "../../etc/after.png", pngBytes(t, 40, 30))
	if err != nil || a.Filename != "after.png" {
		t.Fatalf("a photo: %+v %v", a, err)
	}
	res, err := svc.SaveReport(f.admin, w.Number, core.ReportInput{WorkDone: "done"})
	if err != nil {
		t.Fatal(err)
	}
	_ = res
	if _, err := svc.AdvanceWorkOrder(f.admin, w.Number, 0, ""); err != nil {
		t.Fatal(err)
	}
	rv, err := svc.Report(w.Number, 0)
	if err != nil || rv.Shown == nil || len(rv.Shown.Photos) != 1 || rv.Shown.Photos[0].Width != 40 {
		t.Fatalf("the version: %+v %v", rv.Shown, err)
	}
	r := *rv.Shown
	if r.Check() != nil {
		t.Fatalf("an intact version fails its check: %v", r.Check())
	}
	r.Photos = append([]core.ReportPhoto(nil), r.Photos...)
	r.Photos[0].SHA256 = strings.Repeat("0", 64)
	if r.Check() == nil {
		t.Fatal("a swapped photo was not noticed")
	}
}
