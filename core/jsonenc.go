package core

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// The records every work-order change writes — the work order, its history
// events, an engineer's task — and the API's answer are written by hand
// here: field by field, byte for byte what encoding/json writes for them
// (TestJSONAppendersAreStandardJSON fills every field, including ones added
// later, with hostile text and compares). encoding/json and goccy/go-json both
// reach ID's and time.Time's MarshalJSON through reflection and then compact
// what it returned; at 100,000 work orders that was most of a dispatch run's
// encoding (issue 19).

// AppendWorkOrderJSON appends w as encoding/json writes it; escapeHTML as
// encoding/json's (on for json.Marshal, off for the API's answers).
func AppendWorkOrderJSON(b []byte, w *WorkOrder, escapeHTML bool) ([]byte, error) {
	e := jsonAppender{b: b, html: escapeHTML}
	e.raw(`{"id":`)
	e.id(w.ID)
	e.field("number", w.Number)
	e.field("subject", w.Subject)
	e.field("description", w.Description)
	e.field("record_type", w.RecordType)
	e.field("priority", string(w.Priority))
	e.field("status", string(w.Status))
	e.field("node", string(w.Node))
	e.field("channel", string(w.Channel))
	e.idField("account_id", w.AccountID)
	e.field("account_name", w.AccountName)
	e.idField("contact_id", w.ContactID)
	e.field("contact_name", w.ContactName)
	e.field("phone", w.Phone)
	e.field("email", w.Email)
	e.field("region", w.Region)
	e.field("address", w.Address)
	e.field("device_code", w.DeviceCode)
	if w.PhoneCheck != "" {
		e.field("phone_check", w.PhoneCheck)
	}
	e.idField("out_owner", w.OutOwner)
	e.field("out_owner_rule", w.OutOwnerRule)
	e.field("created_by", w.CreatedBy)
	e.timeField("created_at", w.CreatedAt)
	e.timeField("updated_at", w.UpdatedAt)
	e.timePtrField("due_at", w.DueAt)
	if w.NodeDueAt != nil {
		e.timeField("node_due_at", *w.NodeDueAt)
	}
	e.raw(`,"version":`)
	e.b = strconv.AppendUint(e.b, w.Version, 10)
	e.field("assign_user", w.AssignUser)
	e.field("assign_way__c", w.AssignWay)
	e.timePtrField("assign_time__c", w.AssignTime)
	e.idField("field_partner__c", w.FieldPartner)
	e.idField("field_fwssf__c", w.FieldFwssf)
	e.idField("field_outDealUser__c", w.FieldOutDealUser)
	e.field("field_downstreamOuterTenantName__c", w.FieldDownstreamOuterTenantName)
	e.field("field_downstreamOuterTenantId__c", w.FieldDownstreamOuterTenantID)
	e.field("engineer_name", w.EngineerName)
	if len(w.Objects) > 0 {
		e.raw(`,"objects":[`)
		for i := range w.Objects {
			if i > 0 {
				e.raw(",")
			}
			e.object(&w.Objects[i])
		}
		e.raw("]")
	}
	e.raw(`,"history":`)
	if w.History == nil {
		e.raw("null")
	} else {
		e.raw("[")
		for i := range w.History {
			if i > 0 {
				e.raw(",")
			}
			e.event(&w.History[i])
		}
		e.raw("]")
	}
	e.raw("}")
	return e.b, e.err
}

// AppendEventJSON appends ev as encoding/json writes it (HTML escaped).
func AppendEventJSON(b []byte, ev *Event) ([]byte, error) {
	e := jsonAppender{b: b, html: true}
	e.event(ev)
	return e.b, e.err
}

// AppendTaskJSON appends t as encoding/json writes it (HTML escaped).
func AppendTaskJSON(b []byte, t *Task) ([]byte, error) {
	e := jsonAppender{b: b, html: true}
	e.raw(`{"id":`)
	e.id(t.ID)
	e.idField("engineer_id", t.EngineerID)
	e.idField("work_order_id", t.WorkOrderID)
	e.field("number", t.Number)
	e.field("subject", t.Subject)
	e.field("kind", t.Kind)
	e.field("detail", t.Detail)
	e.timeField("at", t.At)
	e.raw("}")
	return e.b, e.err
}

type jsonAppender struct {
	b    []byte
	html bool
	err  error
}

func (e *jsonAppender) raw(s string) { e.b = append(e.b, s...) }

// field appends ,"name":"value".
func (e *jsonAppender) field(name, value string) {
	e.key(name)
	e.b = appendJSONString(e.b, value, e.html)
}

// idField appends ,"name":id (null for none).
func (e *jsonAppender) idField(name string, id ID) {
	e.key(name)
	e.id(id)
}

// timeField appends ,"name":time.
func (e *jsonAppender) timeField(name string, t time.Time) {
	e.key(name)
	e.time(t)
}

// timePtrField appends ,"name":time or null.
func (e *jsonAppender) timePtrField(name string, t *time.Time) {
	e.key(name)
	e.timePtr(t)
}

// key appends ,"name": (name needs no escaping).
func (e *jsonAppender) key(name string) {
	e.b = append(e.b, ',', '"')
	e.b = append(e.b, name...)
	e.b = append(e.b, '"', ':')
}

func (e *jsonAppender) id(id ID) {
	if id == 0 {
		e.b = append(e.b, "null"...)
		return
	}
	e.b = strconv.AppendUint(e.b, uint64(id), 10)
}

// time is time.Time's MarshalJSON (RFC 3339 with nanoseconds, an error for
// years outside 0–9999 and zone offsets of a day or more).
func (e *jsonAppender) time(t time.Time) {
	if y := t.Year(); y < 0 || y > 9999 {
		e.marshalTime(t)
		return
	}
	if _, off := t.Zone(); off <= -24*3600 || off >= 24*3600 {
		e.marshalTime(t)
		return
	}
	e.b = append(e.b, '"')
	e.b = t.AppendFormat(e.b, time.RFC3339Nano)
	e.b = append(e.b, '"')
}

func (e *jsonAppender) marshalTime(t time.Time) {
	out, err := t.MarshalJSON()
	if err != nil && e.err == nil {
		e.err = err
	}
	e.b = append(e.b, out...)
}

func (e *jsonAppender) timePtr(t *time.Time) {
	if t == nil {
		e.b = append(e.b, "null"...)
		return
	}
	e.time(*t)
}

func (e *jsonAppender) event(ev *Event) {
	e.raw(`{"at":`)
	e.time(ev.At)
	e.field("by", ev.By)
	e.field("channel", string(ev.Channel))
	e.field("kind", ev.Kind)
	e.field("detail", ev.Detail)
	e.raw("}")
}

func (e *jsonAppender) object(o *WorkOrderObject) {
	e.raw(`{"type":`)
	e.b = appendJSONString(e.b, o.Type, e.html)
	e.field("label", o.Label)
	e.raw(`,"values":`)
	if o.Values == nil {
		e.raw("null")
	} else {
		e.raw("[")
		for i, v := range o.Values {
			if i > 0 {
				e.raw(",")
			}
			e.raw(`{"key":`)
			e.b = appendJSONString(e.b, v.Key, e.html)
			e.field("label", v.Label)
			e.field("value", v.Value)
			e.raw("}")
		}
		e.raw("]")
	}
	e.timeField("created_at", o.CreatedAt)
	e.field("created_by", o.CreatedBy)
	e.raw("}")
}

const jsonHex = "0123456789abcdef"

// appendJSONString is encoding/json's appendString: control characters,
// quotes and backslashes escaped, invalid UTF-8 as \ufffd, U+2028 and U+2029
// escaped, and <, >, & when escapeHTML.
func appendJSONString(dst []byte, src string, escapeHTML bool) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(src); {
		if b := src[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && (!escapeHTML || (b != '<' && b != '>' && b != '&')) {
				i++
				continue
			}
			dst = append(dst, src[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', jsonHex[b>>4], jsonHex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(src[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, src[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, src[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', jsonHex[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, src[start:]...)
	return append(dst, '"')
}
