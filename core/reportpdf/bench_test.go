package reportpdf_test

import (
	"bytes"
	"testing"
	"time"

	"switchboard/core/reportpdf"
)

// BenchmarkReportPDF measures rendering one signed, Chinese report version as a
// PDF (font parsing and subsetting included), as /report/TOKEN/pdf and
// `report show --pdf` do.
func BenchmarkReportPDF(b *testing.B) {
	svc, number := signedReport(b)
	v, err := svc.Report(number, 0)
	if err != nil {
		b.Fatal(err)
	}
	var size int
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := reportpdf.Write(&buf, &v, v.Shown, time.UTC); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "bytes/pdf")
}
