package channels

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"switchboard/core"
)

// SMS sends through Aliyun's SMS service (dysms) SendSms API: an RPC-style GET
// signed with HMAC-SHA1 (signature version 1.0), answering
// {"Code":"OK","Message":"OK","BizId":"…","RequestId":"…"}.
type SMS struct {
	Base, KeyID, KeySecret, SignName, Region, TemplateCode string
	Client                                                 *http.Client
	Now                                                    func() time.Time
}

// NewSMS builds the sender from resolved settings.
func NewSMS(vals map[string]string, client *http.Client, now func() time.Time) *SMS {
	return &SMS{Base: strings.TrimRight(vals["base_url"], "/"), KeyID: vals["access_key_id"], KeySecret: vals["access_key_secret"],
		SignName: vals["sign_name"], Region: vals["region"], TemplateCode: vals["template_code"], Client: client, Now: now}
}

// PercentEncode is Aliyun's RPC encoding: RFC 3986, space as %20, ~ kept.
func PercentEncode(s string) string {
	e := url.QueryEscape(s)
	e = strings.ReplaceAll(e, "+", "%20")
	e = strings.ReplaceAll(e, "*", "%2A")
	return strings.ReplaceAll(e, "%7E", "~")
}

// SignRPC returns the Signature of params for an RPC request with method.
func SignRPC(method, secret string, params url.Values) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		if k != "Signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = PercentEncode(k) + "=" + PercentEncode(params.Get(k))
	}
	toSign := method + "&" + PercentEncode("/") + "&" + PercentEncode(strings.Join(parts, "&"))
	mac := hmac.New(sha1.New, []byte(secret+"&"))
	mac.Write([]byte(toSign))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

type smsReply struct {
	Code      string `json:"Code"`
	Message   string `json:"Message"`
	BizID     string `json:"BizId"`
	RequestID string `json:"RequestId"`
}

// Send sends m.Content.Text through the template m.Content.TemplateID (else the
// channel's template_code): its parameters are the template's fields, or
// {"content": text} for a generic template.
func (s *SMS) Send(ctx context.Context, m *core.Message) (string, error) {
	if s.KeyID == "" || s.KeySecret == "" || s.SignName == "" {
		return "", temporary("config", "SMS is not configured: set access_key_id, access_key_secret and sign_name with `switchboard notify channel set sms`")
	}
	code := m.Content.TemplateID
	if code == "" {
		code = s.TemplateCode
	}
	if code == "" {
		return "", notSendable("template", "no SMS template code: set one on the preset, or template_code on the SMS channel")
	}
	param := map[string]string{}
	for _, f := range m.Content.Fields {
		param[f.Key] = f.Value
	}
	if len(param) == 0 {
		param["content"] = m.Content.Text
	}
	pj, _ := json.Marshal(param)
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	nonce := rand.Text()
	q := url.Values{
		"AccessKeyId": {s.KeyID}, "Action": {"SendSms"}, "Format": {"JSON"},
		"PhoneNumbers": {strings.TrimPrefix(m.Recipient.Address, "+")}, "RegionId": {s.Region},
		"SignName": {s.SignName}, "SignatureMethod": {"HMAC-SHA1"}, "SignatureNonce": {nonce},
		"SignatureVersion": {"1.0"}, "TemplateCode": {code}, "TemplateParam": {string(pj)},
		"Timestamp": {now().UTC().Format("2006-01-02T15:04:05Z")}, "Version": {"2017-05-25"},
		"OutId": {clientMsgID(m.Key)},
	}
	q.Set("Signature", SignRPC(http.MethodGet, s.KeySecret, q))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.Base+"/?"+q.Encode(), nil)
	if err != nil {
		return "", temporary("request", "bad SMS base_url: %v", err)
	}
	resp, err := s.Client.Do(req)
	if err != nil {
		return "", temporary("http", "the SMS gateway is unreachable: %v", redactURL(err))
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var r smsReply
	if err := json.Unmarshal(raw, &r); err != nil {
		return "", temporary(strconv.Itoa(resp.StatusCode), "the SMS gateway answered HTTP %d without JSON", resp.StatusCode)
	}
	if r.Code == "OK" {
		return r.BizID, nil
	}
	return "", smsError(r, resp.StatusCode)
}

// smsError classifies dysms error codes.
func smsError(r smsReply, status int) error {
	msg := "SMS gateway: " + r.Message
	switch {
	case r.Code == "isv.BUSINESS_LIMIT_CONTROL" || r.Code == "Throttling.User" || r.Code == "Throttling":
		return &core.SendError{Kind: core.SendRateLimited, Code: r.Code, Msg: msg, RetryAfter: RateLimitBackoff}
	case r.Code == "isv.MOBILE_NUMBER_ILLEGAL" || r.Code == "isv.BLACK_KEY_CONTROL_LIMIT" || r.Code == "isv.MOBILE_COUNT_OVER_LIMIT":
		return notSendable(r.Code, "%s", msg)
	case r.Code == "isv.SMS_TEMPLATE_ILLEGAL" || r.Code == "isv.SMS_SIGNATURE_ILLEGAL" || r.Code == "isv.TEMPLATE_MISSING_PARAMETERS" || r.Code == "isv.INVALID_PARAMETERS":
		return permanent(r.Code, "%s", msg)
	case status >= 500 || strings.HasPrefix(r.Code, "isp."):
		return temporary(r.Code, "%s", msg)
	}
	// Credentials, signature mismatch, account balance: an admin can fix them.
	return temporary(r.Code, "%s", msg)
}
