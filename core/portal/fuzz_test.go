package portal

import (
	"bytes"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"switchboard/core"
)

// FuzzDecodeSubmission: any posted body decodes without panicking into fields
// that are valid UTF-8, sent once, and the form page renders them back escaped.
func FuzzDecodeSubmission(f *testing.F) {
	f.Add("nonce=" + core.NewToken() + "&subject=%E5%86%B7%E5%BA%93&phone=13800138000")
	f.Add("subject=a&subject=b")
	f.Add("name=%3Cscript%3Ealert(1)%3C%2Fscript%3E&description=%0D%0Ax")
	f.Add("email=%FF%FE&address=")
	p := mustPages()
	f.Fuzz(func(t *testing.T, body string) {
		pf, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		in, values, err := decodeSubmission(pf, core.FormGuest)
		for k, v := range values {
			if !utf8.ValidString(v) || strings.Contains(v, "\r\n") || len(pf[k]) != 1 {
				t.Fatalf("field %s decoded to %q from %q", k, v, pf[k])
			}
		}
		if err == nil && (in.Subject != values["subject"] || in.Nonce != values["nonce"]) {
			t.Fatalf("submission %+v from %v", in, values)
		}
		var buf bytes.Buffer
		v := &view{T: texts["en"], Values: values, Errors: core.FieldErrors(err), Types: core.DefaultRecordTypes}
		if err := p.t["form"].ExecuteTemplate(&buf, "layout", v); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(buf.String(), "<script") {
			t.Fatalf("unescaped markup in\n%s", buf.String())
		}
	})
}

// FuzzDecodeTask: any posted task body decodes without panicking; only the
// fields the node offers reach the input, each once and valid UTF-8, and the task
// page renders them back escaped (R-TASK-3).
func FuzzDecodeTask(f *testing.F) {
	f.Add("nonce=" + core.NewToken() + "&f.phone=13800138000&o.code=FRZ-1&comment=ok")
	f.Add("f.subject=free&f.phone=1&f.phone=2")
	f.Add("f.address=%3Cscript%3Ealert(1)%3C%2Fscript%3E&o.model=%FF")
	p := mustPages()
	task := &core.TaskView{Number: "WO-000001", Subject: "x",
		Fields:       []core.TaskField{{Key: "phone", Label: "Phone"}, {Key: "address", Label: "Address"}},
		Object:       "device",
		ObjectFields: []core.TaskField{{Key: "code", Label: "Code"}, {Key: "model", Label: "Model"}}}
	f.Fuzz(func(t *testing.T, body string) {
		pf, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		in, values, err := decodeTask(pf, task)
		for k := range in.Fields {
			if k != "phone" && k != "address" {
				t.Fatalf("field %s the node does not offer reached the input", k)
			}
		}
		for k := range in.Object {
			if k != "code" && k != "model" {
				t.Fatalf("object field %s reached the input", k)
			}
		}
		for k, v := range values {
			if !utf8.ValidString(v) || len(pf[k]) != 1 {
				t.Fatalf("field %s decoded to %q from %q", k, v, pf[k])
			}
		}
		var buf bytes.Buffer
		v := &view{T: texts["en"], Task: task, Values: values, Errors: core.FieldErrors(err)}
		if err := p.t["task"].ExecuteTemplate(&buf, "layout", v); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(buf.String(), "<script>alert") {
			t.Fatalf("unescaped markup in\n%s", buf.String())
		}
	})
}
