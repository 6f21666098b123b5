package portal

import (
	"bytes"
	"net/url"
	"strings"
	"testing"

	"switchboard/core"
)

// FuzzDecodeEvaluation: any posted body decodes without panicking; what core
// accepts has every star within its scale and every choice from the layout;
// the page renders whatever was posted back escaped.
func FuzzDecodeEvaluation(f *testing.F) {
	f.Add("nonce=" + core.NewToken() + "&f.overall=7&f.resolved=Fully+solved&f.liked=Tidiness&f.liked=Expertise")
	f.Add("f.overall=11&f.overall=3")
	f.Add("f.comment=%3Cscript%3Ealert(1)%3C%2Fscript%3E&f.overall=-1")
	f.Add("f.on_time=maybe&f.resolved=%FF")
	p := mustPages()
	typ := core.DefaultEvaluationTypes()[1]
	f.Fuzz(func(t *testing.T, body string) {
		pf, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		in, values, err := decodeEvaluation(pf, typ)
		var errs map[string]string
		if err == nil {
			answers, score, scale, perr := core.ParseEvaluationAnswers(typ, in.Answers)
			errs = core.FieldErrors(perr)
			if perr == nil {
				if scale != 10 || score < 1 || score > 10 {
					t.Fatalf("accepted rating %d/%d from %q", score, scale, body)
				}
				for _, a := range answers {
					fd, _ := typ.Field(a.Key)
					for _, c := range a.Choices {
						if !strings.Contains(strings.Join(fd.Options, "\x00"), c) {
							t.Fatalf("accepted option %q for %s", c, a.Key)
						}
					}
				}
			}
		} else {
			errs = core.FieldErrors(err)
		}
		var buf bytes.Buffer
		v := &view{T: texts["en"], Eval: newEvalView(core.EvaluationPage{Type: typ}, "en", texts["en"], values, errs), Errors: errs}
		if err := p.t["evaluation"].ExecuteTemplate(&buf, "layout", v); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(buf.String(), "<script") {
			t.Fatalf("unescaped input in the page:\n%s", buf.String())
		}
	})
}
