package store_test

import (
	"fmt"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/store/testdb"
)

// followUpQueue10k is a database whose follow-up agent amy has a queue of
// 10,000 open tasks (a tenth held for callbacks), and nine other agents with
// 1,000 each — 19,000 open tasks in all.
func followUpQueue10k(b *testing.B) (*core.Service, core.Actor, core.Actor) {
	b.Helper()
	st, svc, clk := testdb.Open(b)
	admin := testdb.Admin(b, svc)
	logins := []string{"amy"}
	for i := 1; i < 10; i++ {
		logins = append(logins, fmt.Sprintf("agent%d", i))
	}
	for _, l := range logins {
		if _, err := svc.AddUser(admin, core.NewUser{Login: l, Name: l, Roles: []core.Role{core.RoleFollowUp}}); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := svc.SetFollowUpEnabled(admin, true); err != nil {
		b.Fatal(err)
	}
	now := clk.T
	id := 0
	for _, l := range logins {
		n := 1000
		if l == "amy" {
			n = 10000
		}
		err := st.Update(func(tx core.Tx) error {
			for i := range n {
				id++
				due := now.Add(time.Duration(i-n/5) * time.Minute) // a fifth overdue
				t := core.FollowUpTask{WorkOrderID: core.ID(id), Number: core.FormatNumber(uint64(id)), Subject: "Freezer not cooling",
					RecordType: "Repair", Customer: fmt.Sprintf("Customer %d · Account %d", id, id%97), Phone: fmt.Sprintf("138%08d", id),
					Type: "Standard", Agent: l, Status: core.FollowUpOpen, DueAt: due, MaxAttempts: 3, CreatedAt: now, UpdatedAt: now, Version: 1}
				if i%10 == 0 && i > n/5 { // callbacks: held until their due time
					held := due
					t.NotBefore = &held
				}
				if err := tx.PutFollowUpTask(&t); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	amy, err := svc.Login("amy")
	if err != nil {
		b.Fatal(err)
	}
	return svc, amy, admin
}

// BenchmarkFollowUpNextCall (R-FU-5): "next call" in a queue of 10,000 tasks is
// a seek to the agent's first task in due order.
func BenchmarkFollowUpNextCall(b *testing.B) {
	svc, amy, _ := followUpQueue10k(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := svc.NextFollowUpCall(amy, ""); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFollowUpQueuePage: the console's first screen of amy's queue (50
// rows) with the overdue and waiting counts over all 10,000.
func BenchmarkFollowUpQueuePage(b *testing.B) {
	svc, amy, _ := followUpQueue10k(b)
	b.ResetTimer()
	for b.Loop() {
		q, err := svc.FollowUpQueue(amy, core.QueueQuery{Limit: 50})
		if err != nil || q.Total != 10000 {
			b.Fatal(q.Total, err)
		}
	}
}

// BenchmarkFollowUpFilter: a lead filters every agent's queue (19,000 open
// tasks) by a customer's phone.
func BenchmarkFollowUpFilter(b *testing.B) {
	svc, _, admin := followUpQueue10k(b)
	b.ResetTimer()
	for b.Loop() {
		q, err := svc.FollowUpQueue(admin, core.QueueQuery{All: true, Filter: "13800012345", Limit: 50})
		if err != nil || q.Total != 1 {
			b.Fatal(q.Total, err)
		}
	}
}
