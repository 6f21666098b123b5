package channels_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/core/channels"
	"switchboard/core/channels/chantest"
	"switchboard/store"
)

// BenchmarkOutboxSMTP measures outbox throughput end to end: claim, compose, SMTP
// with STARTTLS and auth to a loopback server, record — reported as msgs/s.
//
//	go test ./core/channels/ -run '^$' -bench OutboxSMTP -benchtime 2000x
func BenchmarkOutboxSMTP(b *testing.B) {
	for _, conc := range []int{1, 4, 16} {
		b.Run(fmt.Sprintf("concurrency=%d", conc), func(b *testing.B) {
			st, err := store.Open(filepath.Join(b.TempDir(), "bench.db"), store.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			svc := core.NewService(st)
			_ = svc.Bootstrap()
			admin, _ := svc.Login(core.BuiltinAdmin)
			srv := chantest.NewSMTPServer(b, "")
			on := true
			if _, err := svc.SetChannelConfig(admin, core.NoticeEmail, &on, map[string]string{"host": srv.Host(), "port": srv.Port(),
				"username": srv.User, "password": srv.Password, "from": "service@huali.example"}); err != nil {
				b.Fatal(err)
			}
			for i := 0; i < b.N; i++ {
				if _, err := svc.SendTest(admin, core.NoticeEmail, fmt.Sprintf("c%d@example.com", i)); err != nil {
					b.Fatal(err)
				}
			}
			wk := channels.NewWorker(svc, channels.Options{TLSConfig: srv.ClientTLS, Concurrency: conc, Batch: 64})
			b.ResetTimer()
			start := time.Now()
			n, err := wk.Drain(context.Background())
			el := time.Since(start)
			b.StopTimer()
			if err != nil || n != b.N {
				b.Fatalf("drained %d of %d: %v", n, b.N, err)
			}
			b.ReportMetric(float64(n)/el.Seconds(), "msgs/s")
		})
	}
}
