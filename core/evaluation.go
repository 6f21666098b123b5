package core

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// EvalFieldKind is the kind of one field of a Service Evaluation layout (R-EVAL-1).
type EvalFieldKind string

// Evaluation field kinds.
const (
	EvalStars    EvalFieldKind = "stars"    // a star rating on a 5- or 10-point scale, stored as a number
	EvalSingle   EvalFieldKind = "single"   // one of Options
	EvalMultiple EvalFieldKind = "multiple" // any of Options
	EvalText     EvalFieldKind = "text"     // free text
	EvalYesNo    EvalFieldKind = "yes-no"   // yes or no
)

// AllEvalFieldKinds lists the field kinds in the order the console offers them.
var AllEvalFieldKinds = []EvalFieldKind{EvalStars, EvalSingle, EvalMultiple, EvalText, EvalYesNo}

// EvalField is one field of an evaluation layout. Labels and options have an
// optional Chinese wording for the customer page in Chinese; the stored answer
// always uses Options' own wording.
type EvalField struct {
	Key       string        `json:"key"`
	Label     string        `json:"label"`
	LabelZH   string        `json:"label_zh,omitempty"`
	Kind      EvalFieldKind `json:"kind"`
	Scale     int           `json:"scale,omitempty"`   // stars: 5 or 10
	Options   []string      `json:"options,omitempty"` // single, multiple
	OptionsZH []string      `json:"options_zh,omitempty"`
	Required  bool          `json:"required,omitempty"`
}

// EvaluationType is a record type of the Service Evaluation object with its
// layout (R-EVAL-1) and who may create evaluations of it from a link (R-ROLE-4).
// The first star field is the overall rating the CSAT report reads.
type EvaluationType struct {
	Name   string      `json:"name"`
	Fields []EvalField `json:"fields"`
	// TerminalUsers may create evaluations of this type from a personal
	// invitation (customers bound to the work order).
	TerminalUsers bool `json:"terminal_users"`
	// Guests (anyone who scans the engineer's QR code) may create them.
	Guests bool `json:"guests"`
}

// Rating is the type's overall rating field: its first star field.
func (t *EvaluationType) Rating() (EvalField, bool) {
	for _, f := range t.Fields {
		if f.Kind == EvalStars {
			return f, true
		}
	}
	return EvalField{}, false
}

// Field finds a field by key.
func (t *EvaluationType) Field(key string) (EvalField, bool) {
	for _, f := range t.Fields {
		if f.Key == key {
			return f, true
		}
	}
	return EvalField{}, false
}

// Evaluation record types shipped with a new database.
const (
	EvalTypeStandard = "Standard"
	EvalTypeDetailed = "Detailed"
)

// DefaultEvaluationTypes are the record types a database starts with: a short
// 5-star rating with a comment, and a detailed 10-point questionnaire.
func DefaultEvaluationTypes() []EvaluationType {
	return []EvaluationType{
		{Name: EvalTypeStandard, TerminalUsers: true, Guests: true, Fields: []EvalField{
			{Key: "overall", Label: "How satisfied are you with the service?", LabelZH: "您对本次服务满意吗？", Kind: EvalStars, Scale: 5, Required: true},
			{Key: "comment", Label: "Anything you would like to tell us?", LabelZH: "还有什么想告诉我们的？", Kind: EvalText},
		}},
		{Name: EvalTypeDetailed, TerminalUsers: true, Guests: true, Fields: []EvalField{
			{Key: "overall", Label: "Overall rating (1–10)", LabelZH: "总体评分（1–10）", Kind: EvalStars, Scale: 10, Required: true},
			{Key: "on_time", Label: "Did the engineer arrive on time?", LabelZH: "工程师是否准时到达？", Kind: EvalYesNo},
			{Key: "resolved", Label: "Was the problem solved?", LabelZH: "问题解决了吗？", Kind: EvalSingle, Required: true,
				Options: []string{"Fully solved", "Partly solved", "Not solved"}, OptionsZH: []string{"完全解决", "部分解决", "未解决"}},
			{Key: "liked", Label: "What did you like?", LabelZH: "您满意的方面", Kind: EvalMultiple,
				Options: []string{"Punctuality", "Friendliness", "Expertise", "Tidiness"}, OptionsZH: []string{"准时", "态度好", "专业", "整洁"}},
			{Key: "comment", Label: "Comments", LabelZH: "意见和建议", Kind: EvalText},
		}},
	}
}

// Limits on evaluation layouts.
const (
	maxEvalTypes   = 30
	maxEvalFields  = 30
	maxEvalOptions = 12
	maxEvalText    = 2000
)

var evalKeyRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// ParseEvalFieldKind reads a field kind as typed.
func ParseEvalFieldKind(s string) (EvalFieldKind, error) {
	k := EvalFieldKind(strings.ToLower(strings.TrimSpace(s)))
	if k == "yesno" || k == "yes/no" {
		k = EvalYesNo
	}
	if slices.Contains(AllEvalFieldKinds, k) {
		return k, nil
	}
	return "", Invalid("kind", "Field kind %q is unknown: use %s.", s, joinNames(AllEvalFieldKinds))
}

// ValidateEvaluationTypes checks and normalises a whole set of record types:
// unique names, each with at least one field, field keys unique within a type,
// star scales of 5 or 10, choices with 2–12 distinct options. Problems come back
// together, each naming the type and field.
func ValidateEvaluationTypes(ts []EvaluationType) error {
	var errs ValidationErrors
	add := func(field, format string, a ...any) { errs = append(errs, Invalid(field, format, a...)) }
	if len(ts) == 0 {
		add("types", "There must be at least one evaluation record type.")
	}
	if len(ts) > maxEvalTypes {
		add("types", "There are %d evaluation record types; the limit is %d.", len(ts), maxEvalTypes)
	}
	names := map[string]int{}
	for i := range ts {
		t := &ts[i]
		where := fmt.Sprintf("types[%d]", i)
		name, verr := oneLine(where+".name", fmt.Sprintf("The name of record type %d", i+1), t.Name, true, 40)
		if verr != nil {
			errs = append(errs, verr)
		}
		t.Name = name
		if j, dup := names[strings.ToLower(name)]; dup && name != "" {
			add(where+".name", "Record type %q is listed twice (%d and %d): give each a distinct name.", name, j+1, i+1)
		}
		names[strings.ToLower(name)] = i
		errs = append(errs, t.validate(where)...)
	}
	return errs.Err()
}

func (t *EvaluationType) validate(where string) ValidationErrors {
	var errs ValidationErrors
	add := func(field, format string, a ...any) { errs = append(errs, Invalid(field, format, a...)) }
	if len(t.Fields) == 0 {
		add(where+".fields", "Record type %q has no fields: add at least a star rating.", t.Name)
	}
	if len(t.Fields) > maxEvalFields {
		add(where+".fields", "Record type %q has %d fields; the limit is %d.", t.Name, len(t.Fields), maxEvalFields)
	}
	keys := map[string]bool{}
	for i := range t.Fields {
		f := &t.Fields[i]
		fw := fmt.Sprintf("%s.fields[%d]", where, i)
		f.Key = strings.ToLower(strings.TrimSpace(f.Key))
		if !evalKeyRE.MatchString(f.Key) {
			add(fw+".key", "%s: field %d's key %q must be a lower-case word (a–z, 0–9, _), e.g. overall.", t.Name, i+1, f.Key)
		} else if keys[f.Key] {
			add(fw+".key", "%s: the key %q is used twice; each field needs its own.", t.Name, f.Key)
		}
		keys[f.Key] = true
		label, verr := oneLine(fw+".label", fmt.Sprintf("%s: the label of field %q", t.Name, f.Key), f.Label, true, 200)
		if verr != nil {
			errs = append(errs, verr)
		}
		f.Label = label
		zh, verr := oneLine(fw+".label_zh", fmt.Sprintf("%s: the Chinese label of field %q", t.Name, f.Key), f.LabelZH, false, 200)
		if verr != nil {
			errs = append(errs, verr)
		}
		f.LabelZH = zh
		k, err := ParseEvalFieldKind(string(f.Kind))
		if err != nil {
			add(fw+".kind", "%s: field %q has the unknown kind %q: use %s.", t.Name, f.Key, f.Kind, joinNames(AllEvalFieldKinds))
			continue
		}
		f.Kind = k
		if k == EvalStars {
			if f.Scale == 0 {
				f.Scale = 5
			}
			if f.Scale != 5 && f.Scale != 10 {
				add(fw+".scale", "%s: the star field %q has a %d-point scale: use 5 or 10.", t.Name, f.Key, f.Scale)
			}
		} else {
			f.Scale = 0
		}
		if k == EvalSingle || k == EvalMultiple {
			var opts []string
			for _, o := range f.Options {
				o = strings.TrimSpace(o)
				if o == "" {
					continue
				}
				if _, verr := oneLine(fw+".options", "An option", o, true, 60); verr != nil {
					add(fw+".options", "%s: field %q: %s", t.Name, f.Key, verr.Message)
					continue
				}
				if slices.Contains(opts, o) {
					add(fw+".options", "%s: field %q lists the option %q twice.", t.Name, f.Key, o)
					continue
				}
				opts = append(opts, o)
			}
			f.Options = opts
			if len(opts) < 2 || len(opts) > maxEvalOptions {
				add(fw+".options", "%s: the choice field %q has %d options: give between 2 and %d.", t.Name, f.Key, len(opts), maxEvalOptions)
			}
			var zh []string
			for _, o := range f.OptionsZH {
				if o = strings.TrimSpace(o); o != "" {
					zh = append(zh, o)
				}
			}
			if len(zh) > 0 && len(zh) != len(opts) {
				add(fw+".options_zh", "%s: field %q has %d options but %d Chinese wordings: give one per option, or none.", t.Name, f.Key, len(opts), len(zh))
			}
			f.OptionsZH = zh
		} else {
			f.Options, f.OptionsZH = nil, nil
		}
	}
	return errs
}

// --- evaluation records

// EvalAnswer is the answer to one field, kept with the field's label and kind
// as they were when the customer answered, so later layout changes never alter
// a stored evaluation. Star ratings are numbers (R-EVAL-1).
type EvalAnswer struct {
	Key     string        `json:"key"`
	Label   string        `json:"label"`
	Kind    EvalFieldKind `json:"kind"`
	Number  *int          `json:"number,omitempty"`
	Scale   int           `json:"scale,omitempty"`
	Text    string        `json:"text,omitempty"`
	Choices []string      `json:"choices,omitempty"`
	Yes     *bool         `json:"yes,omitempty"`
}

// Value is the answer as text ("4/5", "yes", "Fully solved", "a, b").
func (a EvalAnswer) Value() string {
	switch a.Kind {
	case EvalStars:
		if a.Number != nil {
			return fmt.Sprintf("%d/%d", *a.Number, a.Scale)
		}
	case EvalYesNo:
		if a.Yes != nil {
			if *a.Yes {
				return "yes"
			}
			return "no"
		}
	case EvalSingle, EvalMultiple:
		return strings.Join(a.Choices, ", ")
	case EvalText:
		return a.Text
	}
	return ""
}

// How an evaluation reached the customer.
const (
	EvalViaQR   = "qr"   // the engineer's QR code, scanned on site
	EvalViaLink = "link" // a personal link (sent by WeChat, SMS or email)
)

// Evaluation is one Service Evaluation record (R-EVAL-1): a customer's answers
// about one work order, with who did the work, for the CSAT report.
type Evaluation struct {
	ID          ID     `json:"id"`
	WorkOrderID ID     `json:"work_order_id"`
	Number      string `json:"number"`
	// Type is the evaluation record type; RecordType the work order's.
	Type       string       `json:"type"`
	RecordType string       `json:"record_type"`
	Answers    []EvalAnswer `json:"answers"`
	// Score is the overall rating (the type's first star field) on Scale;
	// 0 when the customer left it empty.
	Score          int    `json:"score"`
	Scale          int    `json:"scale"`
	EngineerID     ID     `json:"engineer_id"`
	EngineerName   string `json:"engineer_name"`
	ProviderID     ID     `json:"provider_id"`
	ProviderName   string `json:"provider_name"`
	Via            string `json:"via"`
	By             string `json:"by"`
	TerminalUserID ID     `json:"terminal_user_id,omitempty"`
	// Link is the hex SHA-256 of the link it was submitted through (a
	// personal link finds its evaluation again to edit it).
	Link string `json:"link,omitempty"`
	// Device and Network are short hashes of the browser's cookie and of
	// the network (/24, /64) a QR rating came from; Repeat says why it looks
	// like another rating of the same work order from the same place.
	Device      string     `json:"device,omitempty"`
	Network     string     `json:"network,omitempty"`
	Repeat      string     `json:"repeat,omitempty"`
	SubmittedAt time.Time  `json:"submitted_at"`
	EditedAt    *time.Time `json:"edited_at,omitempty"`
}

// Normalized is the overall rating on a 5-point scale (a 10-point 7 is 3.5);
// 0 when unrated.
func (e *Evaluation) Normalized() float64 {
	if e.Score <= 0 || e.Scale <= 0 {
		return 0
	}
	return float64(e.Score) * 5 / float64(e.Scale)
}

// Row is the compact summary the CSAT report reads.
func (e *Evaluation) Row() EvaluationRow {
	return EvaluationRow{ID: e.ID, WorkOrder: e.WorkOrderID, At: e.SubmittedAt, Engineer: e.EngineerID, Provider: e.ProviderID,
		Score: e.Score, Scale: e.Scale, RecordType: e.RecordType, Type: e.Type, Identified: e.TerminalUserID != 0, Repeat: e.Repeat != ""}
}

// EvaluationRow is an evaluation reduced to what reports need; the store keeps
// it in its time index so a report over a period reads nothing else.
type EvaluationRow struct {
	ID         ID
	WorkOrder  ID
	At         time.Time
	Engineer   ID
	Provider   ID
	Score      int
	Scale      int
	RecordType string
	Type       string
	// Identified: a terminal user rated through their own link; otherwise a
	// guest (a QR code, or a link of a work order without a customer).
	// Repeat: marked as a second rating from the same network.
	Identified, Repeat bool
}

// Stars is the row's rating as whole stars out of five, rounded down, at least
// one (a 10-point 7 is 3 stars; 8 is 4): the report's distribution buckets, and
// "satisfied" is 4 or more. 0 when unrated.
func (r *EvaluationRow) Stars() int {
	if r.Score <= 0 || r.Scale <= 0 {
		return 0
	}
	return max(1, min(5, r.Score*5/r.Scale))
}

// --- the evaluation node (R-EVAL-2)

// EvaluationMode is how an evaluation node asks for evaluations.
type EvaluationMode string

// Evaluation node modes.
const (
	EvalModeQR    EvaluationMode = "qr"    // the engineer shows a QR code on site
	EvalModeRules EvaluationMode = "rules" // evaluation rules decide (R-EVAL-3)
)

// EvalInvite is a way an evaluation rule invites the customer (R-EVAL-3).
type EvalInvite string

// Evaluation invitation methods, in the manual's order.
const (
	EvalInviteQR     EvalInvite = "qr"     // manual: the engineer shows the QR code
	EvalInviteWeChat EvalInvite = "wechat" // automatic WeChat message
	EvalInviteSMS    EvalInvite = "sms"    // automatic SMS (uses credits)
	EvalInviteEmail  EvalInvite = "email"  // automatic email with the #URL# short link
)

// AllEvalInvites lists the invitation methods in the manual's order.
var AllEvalInvites = []EvalInvite{EvalInviteQR, EvalInviteWeChat, EvalInviteSMS, EvalInviteEmail}

// ParseEvalInvite reads an invitation method as typed.
func ParseEvalInvite(s string) (EvalInvite, error) {
	m := EvalInvite(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(AllEvalInvites, m) {
		return m, nil
	}
	return "", Invalid("via", "Evaluation invitation method %q is unknown: use %s.", s, joinNames(AllEvalInvites))
}

// ParseEvalInvites reads "qr,sms,email" in the order given.
func ParseEvalInvites(s string) ([]EvalInvite, error) {
	var out []EvalInvite
	for _, part := range strings.Split(s, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		m, err := ParseEvalInvite(part)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out, nil
}

// EvalLabels are the customisable button labels of the evaluation node.
type EvalLabels struct {
	// Title heads the engineer's QR screen ("Scan to rate our service").
	Title string `json:"title,omitempty"`
	// Skip is the "Skip evaluation" action; Finish completes the node.
	Skip   string `json:"skip,omitempty"`
	Finish string `json:"finish,omitempty"`
	// Submit is the customer page's send button.
	Submit string `json:"submit,omitempty"`
}

// withDefaults fills empty labels with the shipped wording.
func (l EvalLabels) withDefaults() EvalLabels {
	if l.Title == "" {
		l.Title = "Scan to rate our service"
	}
	if l.Skip == "" {
		l.Skip = "Skip evaluation"
	}
	if l.Finish == "" {
		l.Finish = "Finish"
	}
	return l
}

// DefaultEvalLinkTTL is how long an evaluation link works unless the node says
// otherwise.
const DefaultEvalLinkTTL = 28 * 24 * time.Hour

// EvaluationSettings configure an evaluation node (R-EVAL-2).
type EvaluationSettings struct {
	Mode EvaluationMode `json:"mode"`
	// Type is the evaluation record type a QR evaluation uses (rules name their own).
	Type string `json:"type,omitempty"`
	// Handler is the login of the user who shows the QR code and completes the
	// node; empty: the work order's service engineer.
	Handler string     `json:"handler,omitempty"`
	Labels  EvalLabels `json:"labels,omitzero"`
	// HideSkip removes "Skip evaluation" from the engineer's screen.
	HideSkip bool `json:"hide_skip,omitempty"`
	// Single makes the QR code accept one submission; by default it accepts
	// several (several customers for one work order, R-EVAL-4).
	Single bool `json:"single,omitempty"`
	// Mandatory holds the work order at the node until an evaluation arrives
	// (a QR evaluation; rules say it for themselves).
	Mandatory bool `json:"mandatory,omitempty"`
	// LinkTTL is how long evaluation links work (default 28 days).
	LinkTTL Duration `json:"link_ttl,omitempty"`
	// QRGrace is how long the QR code still takes ratings after the node
	// ends (default 0: it stops when the node ends; at most a day) — for a
	// customer who scanned it just before the engineer pressed finish.
	QRGrace Duration `json:"qr_grace,omitempty"`
}

// MaxQRGrace bounds EvaluationSettings.QRGrace.
const MaxQRGrace = 24 * time.Hour

// DefaultEvaluationSettings: a QR code of the Standard type, several
// submissions, skippable, links valid for 28 days.
func DefaultEvaluationSettings() *EvaluationSettings {
	return &EvaluationSettings{Mode: EvalModeQR, Type: EvalTypeStandard}
}

func (e *EvaluationSettings) validate(where string) ValidationErrors {
	var errs ValidationErrors
	add := func(field, format string, a ...any) { errs = append(errs, Invalid(field, format, a...)) }
	e.Mode = EvaluationMode(strings.ToLower(strings.TrimSpace(string(e.Mode))))
	switch e.Mode {
	case "":
		e.Mode = EvalModeQR
	case EvalModeQR, EvalModeRules:
	default:
		add(where+".mode", "Evaluation mode %q is unknown: use qr (the engineer shows a QR code) or rules (evaluation rules decide).", e.Mode)
	}
	e.Type = strings.TrimSpace(e.Type)
	if e.Mode == EvalModeQR && e.Type == "" {
		e.Type = EvalTypeStandard
	}
	if e.Mode == EvalModeRules && e.Mandatory {
		add(where+".mandatory", "With rule-based matching each evaluation rule says whether evaluation is mandatory; switch it on in the rule.")
	}
	e.Handler = strings.TrimSpace(e.Handler)
	for _, l := range []struct {
		name string
		v    *string
	}{{"title", &e.Labels.Title}, {"skip", &e.Labels.Skip}, {"finish", &e.Labels.Finish}, {"submit", &e.Labels.Submit}} {
		v, verr := oneLine(where+".labels."+l.name, "The "+l.name+" label", *l.v, false, 40)
		if verr != nil {
			errs = append(errs, verr)
		}
		*l.v = v
	}
	if t := time.Duration(e.LinkTTL); t != 0 && (t < time.Hour || t > MaxInviteTTL) {
		add(where+".link_ttl", "Evaluation links must work for between 1h and 90d, not %s.", e.LinkTTL)
	}
	if g := time.Duration(e.QRGrace); g < 0 || g > MaxQRGrace {
		add(where+".qr_grace", "The QR code's grace after the node ends is 0 (it stops at once) to 24h, not %s.", e.QRGrace)
	}
	return errs
}

// describe says in a few words what the settings do.
func (e *EvaluationSettings) describe() string {
	if e.Mode == EvalModeRules {
		return "evaluation rules decide"
	}
	s := "QR code (" + e.Type
	if e.Single {
		s += ", one submission"
	}
	if e.Mandatory {
		s += ", mandatory"
	}
	if e.HideSkip {
		s += ", no skip"
	}
	return s + ")"
}

// EvaluationRequest is what the evaluation node decided for one work order
// when it arrived there: the record type, how the customer is invited, whether
// evaluation is mandatory. Later changes to rules or settings do not alter it.
type EvaluationRequest struct {
	WorkOrder ID             `json:"work_order"`
	Number    string         `json:"number"`
	Mode      EvaluationMode `json:"mode"`
	// RuleID and RuleName are the evaluation rule that matched (mode rules).
	RuleID   ID           `json:"rule_id,omitempty"`
	RuleName string       `json:"rule_name,omitempty"`
	Type     string       `json:"type"`
	Invites  []EvalInvite `json:"invites"`
	// Fallback is "message priority": channels tried in order until one
	// delivers; otherwise all at once.
	Fallback  bool       `json:"fallback,omitempty"`
	Mandatory bool       `json:"mandatory,omitempty"`
	Single    bool       `json:"single,omitempty"`
	HideSkip  bool       `json:"hide_skip,omitempty"`
	Handler   string     `json:"handler,omitempty"`
	Labels    EvalLabels `json:"labels,omitzero"`
	LinkTTL   Duration   `json:"link_ttl"`
	// QRLink is the hex SHA-256 of the QR code's token, once issued.
	QRLink string    `json:"qr_link,omitempty"`
	At     time.Time `json:"at"`
	// Invited counts personal invitations sent (automatic and reminders).
	Invited int `json:"invited,omitempty"`
}

// HasQR reports whether the engineer shows a QR code for this request.
func (r *EvaluationRequest) HasQR() bool { return slices.Contains(r.Invites, EvalInviteQR) }

// Automatic lists the request's message channels (everything but the QR code).
func (r *EvaluationRequest) Automatic() []NoticeChannel {
	var out []NoticeChannel
	for _, m := range r.Invites {
		if m != EvalInviteQR {
			out = append(out, NoticeChannel(m))
		}
	}
	return out
}

// ExpiresAt is when the request's links stop working.
func (r *EvaluationRequest) ExpiresAt() time.Time {
	ttl := time.Duration(r.LinkTTL)
	if ttl <= 0 {
		ttl = DefaultEvalLinkTTL
	}
	return r.At.Add(ttl)
}
