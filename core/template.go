package core

import (
	"html"
	"slices"
	"strings"
	"time"
)

// TemplateVariable is a #Name# a notification template may use (R-NOTE-4).
type TemplateVariable struct {
	Name string `json:"name"`
	Help string `json:"help"`
}

// TemplateVariables are every variable templates may use; any other #Name# is
// refused when a template is saved.
var TemplateVariables = []TemplateVariable{
	{"WorkOrderNumber", "the work order's number, e.g. WO-000123"},
	{"Subject", "the work order's subject"},
	{"Description", "the work order's description"},
	{"RecordType", "Repair, Installation, …"},
	{"Priority", "low, normal, high or urgent"},
	{"Status", "the work order's status"},
	{"Node", "the current process node"},
	{"Customer", "the contact's name, else the account's"},
	{"Account", "the customer account"},
	{"Contact", "the contact person"},
	{"Phone", "the work order's phone"},
	{"Email", "the work order's email"},
	{"Address", "the service address"},
	{"Region", "the region"},
	{"Device", "the device (asset) code"},
	{"Engineer", "the service provider engineer"},
	{"Provider", "the service provider"},
	{"CreatedAt", "when the work order was created"},
	{"Date", "when the notification was queued"},
	{"URL", "the customer's link (evaluation, signature, status)"},
	{"Reason", "why, for terminations"},
	{"Event", "the notification's event"},
}

func knownVariable(name string) bool {
	return slices.ContainsFunc(TemplateVariables, func(v TemplateVariable) bool { return v.Name == name })
}

// templatePart is literal text or a variable reference.
type templatePart struct {
	lit      string
	variable string
}

func isIdent(c byte, first bool) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || !first && (c >= '0' && c <= '9' || c == '_')
}

// parseTemplate splits src into literal text and #Variable# references. "##" is
// a literal "#"; a "#" that does not open a #Name# is literal too ("Issue #12").
// unknown collects the names of variables that are not in TemplateVariables.
func parseTemplate(src string) (parts []templatePart, unknown []string) {
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, templatePart{lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(src); {
		c := src[i]
		if c != '#' {
			lit.WriteByte(c)
			i++
			continue
		}
		if i+1 < len(src) && src[i+1] == '#' {
			lit.WriteByte('#')
			i += 2
			continue
		}
		j := i + 1
		for j < len(src) && isIdent(src[j], j == i+1) {
			j++
		}
		if j > i+1 && j < len(src) && src[j] == '#' {
			name := src[i+1 : j]
			if !knownVariable(name) && !slices.Contains(unknown, name) {
				unknown = append(unknown, name)
			}
			flush()
			parts = append(parts, templatePart{variable: name})
			i = j + 1
			continue
		}
		lit.WriteByte('#')
		i++
	}
	flush()
	return parts, unknown
}

// CheckTemplateText refuses unknown variables in one part of a template; field
// and label name the part in the error.
func CheckTemplateText(field, label, src string) *ValidationError {
	_, unknown := parseTemplate(src)
	if len(unknown) == 0 {
		return nil
	}
	names := make([]string, len(unknown))
	for i, u := range unknown {
		names[i] = "#" + u + "#"
	}
	known := make([]string, len(TemplateVariables))
	for i, v := range TemplateVariables {
		known[i] = "#" + v.Name + "#"
	}
	return Invalid(field, "%s uses the unknown variable %s: use %s (write ## for a literal #).", label, strings.Join(names, ", "), strings.Join(known, " "))
}

// RenderText fills src's variables with vals as plain text (SMS, WeChat fields,
// email subjects). Missing values render empty.
func RenderText(src string, vals map[string]string) string {
	return render(src, vals, false)
}

// RenderHTML fills src's variables with HTML-escaped values: work-order data can
// never add markup, while the template's own markup is kept as written.
func RenderHTML(src string, vals map[string]string) string {
	return render(src, vals, true)
}

func render(src string, vals map[string]string, escape bool) string {
	parts, _ := parseTemplate(src)
	var b strings.Builder
	for _, p := range parts {
		if p.variable == "" {
			b.WriteString(p.lit)
			continue
		}
		v := vals[p.variable]
		if escape {
			v = html.EscapeString(v)
		}
		b.WriteString(v)
	}
	return b.String()
}

// NoticeValues are the template variables for a work order. extra adds or
// overrides values (URL, Reason).
func NoticeValues(w *WorkOrder, ev NoticeEvent, now time.Time, extra map[string]string) map[string]string {
	v := map[string]string{"Event": ev.Title(), "Date": now.Format("2006-01-02 15:04")}
	if w != nil {
		customer := w.ContactName
		if customer == "" {
			customer = w.AccountName
		}
		provider := w.FieldDownstreamOuterTenantName
		for k, x := range map[string]string{
			"WorkOrderNumber": w.Number, "Subject": w.Subject, "Description": w.Description,
			"RecordType": w.RecordType, "Priority": string(w.Priority), "Status": string(w.Status),
			"Node": string(w.Node), "Customer": customer, "Account": w.AccountName,
			"Contact": w.ContactName, "Phone": w.Phone, "Email": w.Email, "Address": w.Address,
			"Region": w.Region, "Device": w.DeviceCode, "Engineer": w.EngineerName,
			"Provider": provider, "CreatedAt": w.CreatedAt.Format("2006-01-02 15:04"),
		} {
			v[k] = x
		}
	}
	for k, x := range extra {
		v[k] = x
	}
	return v
}

// HTMLToText derives an email's plain-text part from its HTML: links become
// "text (url)", paragraphs and breaks become line breaks, other tags go.
func HTMLToText(h string) string {
	var b strings.Builder
	var href string
	for i := 0; i < len(h); {
		if h[i] != '<' {
			j := strings.IndexByte(h[i:], '<')
			if j < 0 {
				j = len(h) - i
			}
			b.WriteString(html.UnescapeString(h[i : i+j]))
			i += j
			continue
		}
		j := strings.IndexByte(h[i:], '>')
		if j < 0 {
			b.WriteString(html.UnescapeString(h[i:]))
			break
		}
		raw := strings.TrimSpace(h[i+1 : i+j])
		i += j + 1
		name, _, _ := strings.Cut(strings.ToLower(raw), " ")
		switch name {
		case "br", "br/", "/p", "/div", "/h1", "/h2", "/h3", "/li", "/tr":
			b.WriteByte('\n')
		case "a":
			href = attr(raw, "href")
		case "/a":
			if href != "" {
				b.WriteString(" (" + html.UnescapeString(href) + ")")
				href = ""
			}
		}
	}
	lines := strings.Split(b.String(), "\n")
	out := lines[:0]
	blank := false
	for _, l := range lines {
		l = strings.Join(strings.Fields(l), " ")
		if l == "" {
			if !blank && len(out) > 0 {
				out = append(out, "")
			}
			blank = true
			continue
		}
		blank = false
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// attr finds name="value" (or 'value') in a tag's text, case-insensitively.
func attr(tag, name string) string {
	low := strings.ToLower(tag)
	i := strings.Index(low, name+"=")
	if i < 0 {
		return ""
	}
	v := tag[i+len(name)+1:]
	if v == "" {
		return ""
	}
	if q := v[0]; q == '"' || q == '\'' {
		if k := strings.IndexByte(v[1:], q); k >= 0 {
			return v[1 : k+1]
		}
		return v[1:]
	}
	if k := strings.IndexAny(v, " \t>"); k >= 0 {
		return v[:k]
	}
	return v
}

// Uses reports whether any part of t refers to variable name (#name#).
func (t Template) Uses(name string) bool {
	v := "#" + name + "#"
	if strings.Contains(t.Subject, v) || strings.Contains(t.Body, v) || strings.Contains(t.Text, v) || strings.Contains(t.Link, v) {
		return true
	}
	for _, f := range t.Fields {
		if strings.Contains(f.Value, v) {
			return true
		}
	}
	return false
}
