package testdb

import (
	"fmt"

	"switchboard/core"
)

// BenchRules returns the 500-rule set the dispatch benchmarks use: 400 rules for
// named key accounts (urgent work only), 80 region × record type × priority rules
// and 20 keyword rules — so a typical work order is ruled out by hundreds of
// rules before one matches, or none does.
func BenchRules(engineer core.ID) []core.NewRule {
	var out []core.NewRule
	for i := 0; i < 400; i++ {
		out = append(out, core.NewRule{Name: fmt.Sprintf("key account %d", i), When: fmt.Sprintf(`account_name == "Key Account %03d" && priority == "urgent"`, i), Engineers: []core.ID{engineer}})
	}
	regions := []string{"East", "North", "South", "West", "Central"}
	priorities := []string{"urgent", "high", "normal", "low"}
	for _, r := range regions {
		for _, t := range core.DefaultRecordTypes {
			for _, p := range priorities {
				out = append(out, core.NewRule{Name: fmt.Sprintf("%s %s %s", r, t, p), When: fmt.Sprintf(`region == %q && record_type == %q && priority == %q`, r, t, p), Engineers: []core.ID{engineer}})
			}
		}
	}
	for i := 0; i < 20; i++ {
		out = append(out, core.NewRule{Name: fmt.Sprintf("keyword %d", i), When: fmt.Sprintf(`subject contains "型号%02d" || description contains "model %02d"`, i, i), Engineers: []core.ID{engineer}})
	}
	return out
}

// BenchWorkOrder is the i-th work order of the dispatch benchmarks: about 80% match
// a region rule (late in the list), the rest wait in the manual queue.
func BenchWorkOrder(i int) core.NewWorkOrder {
	regions := []string{"East", "North", "South", "West", "Central"}
	region := regions[i%5]
	if i%5 == 4 && i%2 == 0 {
		region = "Overseas"
	}
	return core.NewWorkOrder{
		Subject:    fmt.Sprintf("Compressor alarm on unit %d", i),
		RecordType: core.DefaultRecordTypes[i%4],
		Priority:   []core.Priority{core.PriorityUrgent, core.PriorityHigh, core.PriorityNormal, core.PriorityLow}[i%7%4],
		Region:     region,
		Phone:      fmt.Sprintf("139%08d", i),
	}
}
