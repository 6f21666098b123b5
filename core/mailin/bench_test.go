package mailin_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"switchboard/core"
	"switchboard/core/mailin"
	"switchboard/store/testdb"
)

// benchMessages are the corpus's messages that become work orders, each
// rewritten per use with a fresh Message-ID so none is a duplicate.
func benchMessages(b *testing.B) [][]byte {
	var out [][]byte
	for _, f := range []string{"01-plain.eml", "02-alternative.eml", "03-html-only.eml", "04-gbk.eml", "05-big5.eml", "07-attachments.eml", "08-forwarded.eml", "20-vip-rule.eml"} {
		raw, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, raw)
	}
	return out
}

func withMessageID(raw []byte, i int) []byte {
	i0 := bytes.Index(raw, []byte("Message-ID: <"))
	if i0 < 0 {
		return raw
	}
	end := bytes.IndexByte(raw[i0:], '>')
	return bytes.Join([][]byte{raw[:i0], []byte(fmt.Sprintf("Message-ID: <bench-%d@example.com", i)), raw[i0+end:]}, nil)
}

// BenchmarkMailIngest measures `mail ingest` work (R-IN-5): parse, mail rules
// (20 of them, beside 500 dispatch rules), contact match, a new work order with its history, attachments
// and the queued notice, one durable transaction per message (as the Maildir
// poller and an MTA pipe take mail in, one after another), on a database that
// already holds 100,000 work orders:
//
//	go test ./core/mailin -run XXX -bench MailIngest -benchtime 2000x
func BenchmarkMailIngest(b *testing.B) {
	_, svc, _ := testdb.Filled100k(b)
	admin := testdb.Admin(b, svc)
	// The company's 500 dispatch rules (testdb.BenchRules) are there too: a
	// message reads the mail rules, not every rule.
	p, err := svc.AddProvider(admin, "Bench Provider", "T-BENCH")
	if err != nil {
		b.Fatal(err)
	}
	e, err := svc.AddEngineer(admin, core.NewEngineer{Name: "Bench Engineer", ProviderID: p.ID})
	if err != nil {
		b.Fatal(err)
	}
	for _, nr := range testdb.BenchRules(e.ID) {
		if _, err := svc.AddRule(admin, nr); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 20 {
		if _, err := svc.AddRule(admin, core.NewRule{Kind: core.RuleMail, Name: fmt.Sprintf("rule %d", i),
			When: fmt.Sprintf(`from_domain == "customer%d.example.com" || subject contains "型号%02d"`, i, i), Mail: &core.MailAction{Priority: core.PriorityHigh}}); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := svc.AddContact(admin, core.NewContact{Name: "王芳", Email: "wang.fang@customer.example.com", AccountName: "上海浦东仓储", TerminalUser: true}); err != nil {
		b.Fatal(err)
	}
	msgs := benchMessages(b)
	var bytesIn int64
	cpu := testdb.ReadCPUTimes()
	b.ResetTimer()
	for i := range b.N {
		raw := withMessageID(msgs[i%len(msgs)], i)
		bytesIn += int64(len(raw))
		rec, err := mailin.Ingest(svc, raw, "bench")
		if err != nil || rec.Outcome != core.MailCreated {
			b.Fatalf("message %d: %+v %v", i, rec, err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(100*testdb.ReadCPUTimes().StolenSince(cpu), "steal-%")
	b.SetBytes(bytesIn / int64(b.N))
}

// BenchmarkParse measures the MIME parser alone on the corpus mix.
func BenchmarkParse(b *testing.B) {
	msgs := benchMessages(b)
	var n int64
	for _, m := range msgs {
		n += int64(len(m))
	}
	b.SetBytes(n / int64(len(msgs)))
	cpu := testdb.ReadCPUTimes()
	b.ResetTimer()
	for i := range b.N {
		if _, err := mailin.Parse(msgs[i%len(msgs)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(100*testdb.ReadCPUTimes().StolenSince(cpu), "steal-%")
}
