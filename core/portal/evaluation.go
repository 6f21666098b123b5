package portal

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"switchboard/core"
)

// evalView is an evaluation page's layout ready for the template: every field
// with its label in the page's language, its choices and what is chosen.
type evalView struct {
	Page   core.EvaluationPage
	Fields []evalFieldView
	Submit string
}

type evalFieldView struct {
	Key, Name, Label string
	Kind             core.EvalFieldKind
	Required         bool
	Scale            int
	// Stars are the star radios from the highest down: CSS lays them out
	// right to left, so "checked and every star before it" is one selector.
	Stars   []evalChoice
	Options []evalChoice
	Text    string
	Error   string
}

type evalChoice struct {
	ID, Value, Text string
	Checked         bool
}

// evalReceiptView is the receipt of one evaluation.
type evalReceiptView struct {
	R       core.EvaluationReceipt
	Stars   []bool // filled stars of the overall rating, on a five-star scale
	Answers []evalAnswerView
}

type evalAnswerView struct{ Label, Value string }

func fieldLabel(f core.EvalField, lang string) string {
	if lang == "zh" && f.LabelZH != "" {
		return f.LabelZH
	}
	return f.Label
}

func optionText(f core.EvalField, i int, lang string) string {
	if lang == "zh" && i < len(f.OptionsZH) {
		return f.OptionsZH[i]
	}
	return f.Options[i]
}

// newEvalView lays out page p for lang with values (as posted or stored) and
// the field errors of a refused submission.
func newEvalView(p core.EvaluationPage, lang string, t map[string]string, values map[string][]string, errs map[string]string) *evalView {
	v := &evalView{Page: p, Submit: p.Submit}
	if v.Submit == "" {
		v.Submit = t["eval_submit"]
	}
	for _, f := range p.Type.Fields {
		fv := evalFieldView{Key: f.Key, Name: "f." + f.Key, Label: fieldLabel(f, lang), Kind: f.Kind, Required: f.Required, Scale: f.Scale, Error: errs[f.Key]}
		if fv.Error != "" && len(values[f.Key]) == 0 && f.Required {
			fv.Error = t["eval_required"]
		}
		chosen := values[f.Key]
		switch f.Kind {
		case core.EvalStars:
			for n := f.Scale; n >= 1; n-- {
				s := strconv.Itoa(n)
				fv.Stars = append(fv.Stars, evalChoice{ID: fmt.Sprintf("%s-%d", fv.Name, n), Value: s,
					Text: fmt.Sprintf(t["eval_star_of"], n, f.Scale), Checked: slices.Contains(chosen, s)})
			}
		case core.EvalSingle, core.EvalMultiple:
			for i, o := range f.Options {
				fv.Options = append(fv.Options, evalChoice{ID: fmt.Sprintf("%s-%d", fv.Name, i), Value: o, Text: optionText(f, i, lang), Checked: slices.Contains(chosen, o)})
			}
		case core.EvalYesNo:
			for _, o := range []string{"yes", "no"} {
				fv.Options = append(fv.Options, evalChoice{ID: fv.Name + "-" + o, Value: o, Text: t["eval_"+o], Checked: slices.Contains(chosen, o)})
			}
		case core.EvalText:
			if len(chosen) > 0 {
				fv.Text = chosen[0]
			}
		}
		v.Fields = append(v.Fields, fv)
	}
	return v
}

// localAnswer shows a stored answer in the page's language: the label and
// options in the layout's Chinese wording when the field is still there
// unchanged in kind; otherwise as stored.
func localAnswer(a core.EvalAnswer, t core.EvaluationType, lang string, tx map[string]string) evalAnswerView {
	out := evalAnswerView{Label: a.Label, Value: a.Value()}
	if a.Kind == core.EvalYesNo && out.Value != "" {
		out.Value = tx["eval_"+out.Value]
	}
	f, ok := t.Field(a.Key)
	if !ok || f.Kind != a.Kind {
		return out
	}
	out.Label = fieldLabel(f, lang)
	if len(a.Choices) > 0 {
		var cs []string
		for _, c := range a.Choices {
			if i := slices.Index(f.Options, c); i >= 0 {
				c = optionText(f, i, lang)
			}
			cs = append(cs, c)
		}
		out.Value = strings.Join(cs, ", ")
	}
	return out
}

// decodeEvaluation reads a posted evaluation form: the nonce once, and for each
// field of the layout its values ("f.KEY"; several only for a multiple
// choice). Fields the layout does not have are ignored.
func decodeEvaluation(pf url.Values, t core.EvaluationType) (core.EvaluationInput, map[string][]string, error) {
	single, errs := single(pf, []string{"nonce"})
	in := core.EvaluationInput{Nonce: single["nonce"], Answers: map[string][]string{}}
	for _, f := range t.Fields {
		vs := pf["f."+f.Key]
		if len(vs) > 1 && f.Kind != core.EvalMultiple {
			errs = append(errs, core.Invalid(f.Key, "The field was sent more than once; send the form again."))
			continue
		}
		if len(vs) > len(f.Options)+1 && f.Kind == core.EvalMultiple {
			errs = append(errs, core.Invalid(f.Key, "Too many answers; send the form again."))
			continue
		}
		for _, v := range vs {
			if !utf8.ValidString(v) {
				errs = append(errs, core.Invalid(f.Key, "The text is not valid UTF-8; type it again."))
				break
			}
			in.Answers[f.Key] = append(in.Answers[f.Key], strings.ReplaceAll(v, "\r\n", "\n"))
		}
	}
	return in, in.Answers, errs.Err()
}

// evalFail answers an evaluation page's error: an unusable link gets the one
// page for all links; a visitor without permission (R-ROLE-4) gets a page that
// says so and what to do instead.
func (s *Server) evalFail(w http.ResponseWriter, r *http.Request, err error) {
	var refusal *core.EvaluationRefusal
	if errors.As(err, &refusal) {
		s.cfg.Log.Info("evaluation refused", "ip", clientIP(r), "why", err)
		v := s.newView(r, "eval_refused_title")
		if refusal.Guest {
			v.Message = v.T["eval_refused_guest"]
		} else {
			v.Message = v.T["eval_refused_terminal"]
		}
		v.Contact = s.cfg.Contact
		if v.Contact == "" {
			v.Contact = v.T["default_contact"]
		}
		s.render(w, http.StatusForbidden, "problem", v)
		return
	}
	s.fail(w, r, err)
}

func (s *Server) showEvaluation(w http.ResponseWriter, r *http.Request) {
	p, err := s.svc.OpenEvaluation(r.PathValue("token"))
	if err != nil {
		s.evalFail(w, r, err)
		return
	}
	if !p.QR && s.wechatGate(w, r, r.PathValue("token")) {
		return // a personal link: its customer's WeChat (a QR code is anybody's)
	}
	v := s.newView(r, "eval_title")
	v.Action, v.Nonce = r.URL.Path, core.NewToken()
	v.Eval = newEvalView(p, v.Lang, v.T, p.Values, nil)
	if p.QR {
		browserID(w, r)
	}
	s.render(w, http.StatusOK, "evaluation", v)
}

// browserCookie holds a random id per browser, so a QR code can tell a
// second rating from the same phone (R-EVAL-4 allows several customers, not
// one customer many times). It carries nothing else.
const browserCookie = "sb_browser"

// browserID is the browser's id, set on w when it has none yet.
func browserID(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(browserCookie); err == nil && len(c.Value) >= 20 && len(c.Value) <= 64 {
		return c.Value
	}
	id := core.NewToken()
	http.SetCookie(w, &http.Cookie{Name: browserCookie, Value: id, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	return id
}

func (s *Server) submitEvaluation(w http.ResponseWriter, r *http.Request) {
	pf, ok := s.parse(w, r)
	if !ok {
		return
	}
	tok := r.PathValue("token")
	p, err := s.svc.OpenEvaluation(tok)
	if errors.Is(err, core.ErrLinkUnusable) {
		// A QR code for one submission, posted twice: the nonce finds the first receipt.
		if n, _ := single(pf, []string{"nonce"}); n["nonce"] != "" {
			if _, rerr := s.svc.EvaluationReceiptFor(n["nonce"]); rerr == nil {
				s.seeEvalReceipt(w, r, n["nonce"])
				return
			}
		}
	}
	if err != nil {
		s.evalFail(w, r, err)
		return
	}
	in, values, err := decodeEvaluation(pf, p.Type)
	var rec core.EvaluationReceipt
	if err == nil {
		if p.QR {
			in.Device, in.Network = browserID(w, r), prefixKey(clientIP(r))
		}
		rec, err = s.svc.SubmitEvaluation(tok, in)
	}
	if err == nil {
		if !rec.Duplicate {
			s.cfg.Log.Info("evaluation submitted", "number", rec.Number, "score", rec.Score, "scale", rec.Scale, "edited", rec.Edited, "ip", clientIP(r))
		}
		s.seeEvalReceipt(w, r, rec.Token)
		return
	}
	if errs := core.FieldErrors(err); errs != nil {
		v := s.newView(r, "eval_title")
		v.Action, v.Nonce = r.URL.Path, core.NewToken()
		if in.Nonce != "" && errs["nonce"] == "" {
			v.Nonce = in.Nonce // the same submission, corrected, keeps its nonce
		}
		v.Eval = newEvalView(p, v.Lang, v.T, values, errs)
		v.Errors = errs
		s.render(w, http.StatusUnprocessableEntity, "evaluation", v)
		return
	}
	s.evalFail(w, r, err)
}

func (s *Server) seeEvalReceipt(w http.ResponseWriter, r *http.Request, token string) {
	http.Redirect(w, r, core.EvaluationReceiptPathPrefix+token+"?lang="+lang(r), http.StatusSeeOther)
}

func (s *Server) showEvalReceipt(w http.ResponseWriter, r *http.Request) {
	rec, err := s.svc.EvaluationReceiptFor(r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "eval_receipt_title")
	rv := &evalReceiptView{R: rec}
	if rec.Scale > 0 {
		filled := (rec.Score*5 + rec.Scale/2) / rec.Scale
		for i := range 5 {
			rv.Stars = append(rv.Stars, i < filled)
		}
	}
	var layout core.EvaluationType
	if ts, err := s.svc.EvaluationTypes(); err == nil {
		for _, t := range ts {
			if t.Name == rec.Type {
				layout = t
			}
		}
	}
	for _, a := range rec.Answers {
		rv.Answers = append(rv.Answers, localAnswer(a, layout, v.Lang, v.T))
	}
	v.EvalReceipt = rv
	s.render(w, http.StatusOK, "evaluation_receipt", v)
}

// evalTexts are the evaluation pages' sentences, merged into texts at start.
var evalTexts = map[string]map[string]string{
	"en": {
		"eval_title":            "Rate our service",
		"eval_lead":             "Thank you for taking a moment to tell us how we did.",
		"eval_submit":           "Send my rating",
		"eval_required":         "Please answer this question.",
		"eval_star_of":          "%d of %d",
		"eval_yes":              "Yes",
		"eval_no":               "No",
		"eval_editing":          "You have rated this already. You can change your answers until",
		"eval_personal":         "This link is yours: you can change your answers until",
		"eval_receipt_title":    "Thank you for your rating",
		"eval_receipt_lead":     "We have received your evaluation of work order",
		"eval_receipt_edited":   "Your changes are saved.",
		"eval_refused_title":    "Evaluation not available",
		"eval_refused_guest":    "Ratings of this kind are open to registered customers only. Ask the engineer or our service desk to send the evaluation link to your phone or email.",
		"eval_refused_terminal": "This evaluation cannot be completed online. Our service desk will contact you to ask how we did.",
		"eval_engineer":         "Engineer",
		"eval_subject":          "Work",
		"eval_provider":         "Service company",
		"eval_required_mark":    "required",
	},
	"zh": {
		"eval_title":            "服务评价",
		"eval_lead":             "感谢您抽出时间评价我们的服务。",
		"eval_submit":           "提交评价",
		"eval_required":         "请回答此问题。",
		"eval_star_of":          "%d / %d",
		"eval_yes":              "是",
		"eval_no":               "否",
		"eval_editing":          "您已评价过。在此时间之前您可以修改评价：",
		"eval_personal":         "这是您的专属链接，在此时间之前可以修改评价：",
		"eval_receipt_title":    "感谢您的评价",
		"eval_receipt_lead":     "我们已收到您对以下工单的评价：",
		"eval_receipt_edited":   "您的修改已保存。",
		"eval_refused_title":    "无法评价",
		"eval_refused_guest":    "此类评价仅限注册客户。请让工程师或客服将评价链接发送到您的手机或邮箱。",
		"eval_refused_terminal": "此评价无法在线完成，我们的客服会联系您了解服务情况。",
		"eval_engineer":         "工程师",
		"eval_subject":          "服务内容",
		"eval_provider":         "服务商",
		"eval_required_mark":    "必填",
	},
}

func init() {
	for l, m := range evalTexts {
		for k, v := range m {
			texts[l][k] = v
		}
	}
}
