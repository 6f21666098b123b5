package core

import "fmt"

// presetText is the wording of each event, reused across channels.
var presetText = map[NoticeEvent]struct{ title, sms, email string }{
	NoticeSubmitted: {"Work order received",
		"Dear customer: your work order #WorkOrderNumber# - #Subject# has been received. We will contact you soon.",
		`<p>Dear #Customer#,</p><p>Your work order <b>#WorkOrderNumber#</b> – #Subject# has been received. We will contact you soon.</p><p><a href="#URL#">Follow your work order</a></p>`},
	NoticeCompleted: {"Work order completed",
		"Dear customer: your [Work Order #WorkOrderNumber# - #Subject#] is completed. Please evaluate: #URL#",
		`<p>Dear #Customer#,</p><p>Your work order <b>#WorkOrderNumber#</b> – #Subject# is completed.</p><p><a href="#URL#">Evaluate Now</a></p>`},
	NoticeTerminated: {"Work order terminated",
		"Dear customer: your work order #WorkOrderNumber# - #Subject# was terminated: #Reason#",
		`<p>Dear #Customer#,</p><p>Your work order <b>#WorkOrderNumber#</b> – #Subject# was terminated.</p><p>#Reason#</p>`},
	NoticeEvaluationInvite: {"Please evaluate our service",
		"Dear customer: please evaluate the service on work order #WorkOrderNumber#: #URL#",
		`<p>Dear #Customer#,</p><p>How did #Engineer# do on work order <b>#WorkOrderNumber#</b> – #Subject#?</p><p><a href="#URL#">Evaluate Now</a></p>`},
	NoticeEvaluationSuccess: {"Thank you for your evaluation",
		"Dear customer: thank you for evaluating work order #WorkOrderNumber#.",
		`<p>Dear #Customer#,</p><p>Thank you for evaluating work order <b>#WorkOrderNumber#</b> – #Subject#.</p>`},
	NoticeServiceReport: {"Your service report",
		"Dear customer: the service report for work order #WorkOrderNumber# is ready: #URL#",
		`<p>Dear #Customer#,</p><p>The service report for work order <b>#WorkOrderNumber#</b> – #Subject# is ready.</p><p><a href="#URL#">Read the report</a></p>`},
	NoticeReportSignature: {"Please sign your service report",
		"Dear customer: please sign the service report for work order #WorkOrderNumber#: #URL#",
		`<p>Dear #Customer#,</p><p>Please sign the service report for work order <b>#WorkOrderNumber#</b> – #Subject#.</p><p><a href="#URL#">Sign the report</a></p>`},
	NoticeTaskInvitation: {"Your input is needed",
		"Dear customer: please complete your part of work order #WorkOrderNumber# - #Subject#: #URL#",
		`<p>Dear #Customer#,</p><p>Please check and complete your part of work order <b>#WorkOrderNumber#</b> – #Subject#.</p><p><a href="#URL#">Open the task</a></p>`},
}

// DefaultTemplate is the template a preset ships with. WeChat and mini-program
// template IDs belong to the company's own accounts, so they start empty: an
// admin chooses them (until then such messages are recorded as not sent).
func DefaultTemplate(ev NoticeEvent, ch NoticeChannel) Template {
	t, ok := presetText[ev]
	if !ok {
		t = presetText[NoticeSubmitted]
	}
	switch ch {
	case NoticeEmail:
		return Template{Subject: fmt.Sprintf("[#WorkOrderNumber#] %s: #Subject#", t.title), Body: t.email}
	case NoticeSMS:
		return Template{Body: t.sms}
	case NoticeWeChat:
		return Template{Fields: []TemplateField{
			{Key: "first", Value: t.title},
			{Key: "keyword1", Value: "#WorkOrderNumber#"},
			{Key: "keyword2", Value: "#Subject#"},
			{Key: "keyword3", Value: "#Status#"},
			{Key: "remark", Value: "#Date#"},
		}, Link: "#URL#"}
	case NoticeMiniProgram:
		return Template{Fields: []TemplateField{
			{Key: "character_string1", Value: "#WorkOrderNumber#"},
			{Key: "thing2", Value: "#Subject#"},
			{Key: "phrase3", Value: "#Status#"},
			{Key: "time4", Value: "#Date#"},
		}, Link: "pages/workorder/detail?number=#WorkOrderNumber#"}
	}
	return Template{}
}

// checkTemplate refuses unknown variables anywhere in t and parts that make no
// sense for ch.
func checkTemplate(ch NoticeChannel, t *Template) error {
	var errs ValidationErrors
	add := func(v *ValidationError) {
		if v != nil {
			errs = append(errs, v)
		}
	}
	add(CheckTemplateText("subject", "The subject", t.Subject))
	add(CheckTemplateText("body", "The body", t.Body))
	add(CheckTemplateText("text", "The text part", t.Text))
	add(CheckTemplateText("link", "The link", t.Link))
	for _, f := range t.Fields {
		if f.Key == "" {
			add(Invalid("fields", "Every template field needs a key, e.g. keyword1=#Subject#."))
		}
		add(CheckTemplateText("fields", fmt.Sprintf("Field %s", f.Key), f.Value))
	}
	switch ch {
	case NoticeEmail:
		if t.Subject == "" || t.Body == "" {
			add(Invalid("body", "An email template needs a subject and an HTML body."))
		}
	case NoticeSMS:
		if t.Body == "" {
			add(Invalid("body", "An SMS template needs its text."))
		}
	case NoticeWeChat, NoticeMiniProgram:
		if len(t.Fields) == 0 {
			add(Invalid("fields", "A %s template needs its keyword fields, e.g. keyword1=#WorkOrderNumber#.", ch.Title()))
		}
	}
	return errs.Err()
}

// renderTemplate fills t for one message.
func renderTemplate(ch NoticeChannel, t Template, vals map[string]string) Rendered {
	r := Rendered{TemplateID: t.TemplateID, Link: RenderText(t.Link, vals)}
	for _, f := range t.Fields {
		r.Fields = append(r.Fields, TemplateField{Key: f.Key, Value: RenderText(f.Value, vals)})
	}
	switch ch {
	case NoticeEmail:
		r.Subject = RenderText(t.Subject, vals)
		r.HTML = RenderHTML(t.Body, vals)
		if t.Text != "" {
			r.Text = RenderText(t.Text, vals)
		} else {
			r.Text = HTMLToText(r.HTML)
		}
	case NoticeSMS:
		r.Text = RenderText(t.Body, vals)
	default:
		var b []byte
		for _, f := range r.Fields {
			if len(b) > 0 {
				b = append(b, '\n')
			}
			b = append(b, f.Key+": "+f.Value...)
		}
		r.Text = string(b)
	}
	return r
}
