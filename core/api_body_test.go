package core

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// TestAPIBodyIsStandardJSON: the API's answer, written with goccy/go-json,
// is byte for byte what encoding/json writes with HTML left as it is — also
// for HTML-ish, non-ASCII and line-separator text, nil and set pointers, an
// empty history — so an integration sees the same bytes it always did.
func TestAPIBodyIsStandardJSON(t *testing.T) {
	at := time.Date(2026, 11, 2, 9, 30, 0, 123456789, time.FixedZone("CST", 8*3600))
	due := at.Add(48 * time.Hour)
	full := WorkOrder{ID: 42, Number: "WO-000042", Subject: `冷库 <温度> "过高" & 'more'`, Description: "line 1\nline 2\t\u2028end\u2029\x01", RecordType: "Repair",
		Priority: PriorityUrgent, Status: StatusAssigned, Node: NodeService, Channel: ChannelAPI, AccountID: 3, AccountName: "北京华联商厦",
		ContactID: 9, ContactName: "张伟", Phone: "+86 138 0013 8000", Email: "zhang@example.cn", Region: "华北", Address: "建国路 88 号", DeviceCode: "AC-0042",
		OutOwner: 5, OutOwnerRule: "R-WO-4 case 1: x", CreatedBy: "api:ERP", CreatedAt: at, UpdatedAt: at, DueAt: &due, NodeDueAt: &due, Version: 7,
		AssignUser: "dora", AssignWay: AssignManual, AssignTime: &at, FieldPartner: 2, FieldFwssf: 2, FieldOutDealUser: 7,
		FieldDownstreamOuterTenantName: "华东服务", FieldDownstreamOuterTenantID: "T-1001", EngineerName: "李师傅", PhoneCheck: PhoneVerified,
		Objects: []WorkOrderObject{{Type: "payment", Label: "Payment fee", Values: []ObjectValue{{Key: "amount", Label: "Amount", Value: "120"}}, CreatedAt: at, CreatedBy: "customer"}},
		History: []Event{{At: at, By: "system", Channel: ChannelSystem, Kind: EventAssigned, Detail: `rule #1 "East" matched <b> & </script>`}}}
	for name, w := range map[string]WorkOrder{"empty": {}, "full": full} {
		fast, err := APIBody(w)
		if err != nil {
			t.Fatal(err)
		}
		if w.History == nil {
			w.History = []Event{}
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(w); err != nil {
			t.Fatal(err)
		}
		if std := bytes.TrimSuffix(b.Bytes(), []byte("\n")); !bytes.Equal(fast, std) {
			t.Errorf("%s: goccy writes\n%s\nencoding/json writes\n%s", name, fast, std)
		}
	}
	// Every field is set above: a new one must be added there.
	v := reflect.ValueOf(full)
	for i := range v.NumField() {
		if v.Field(i).IsZero() {
			t.Errorf("the full work order leaves %s empty: set it, so that its encoding is compared", v.Type().Field(i).Name)
		}
	}
}
