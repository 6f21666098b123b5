package chantest

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
)

// SMSSent is one SMS the fake gateway accepted.
type SMSSent struct {
	Phone, SignName, TemplateCode, OutID string
	Params                               map[string]string
}

// AliyunSMS is an httptest server speaking Aliyun dysms's SendSms RPC API: it
// checks the HMAC-SHA1 signature (signature version 1.0) and the required
// parameters and answers {"Code":"OK","Message":"OK","BizId":…,"RequestId":…} or an
// error code such as isv.BUSINESS_LIMIT_CONTROL (flow control) or
// isv.MOBILE_NUMBER_ILLEGAL.
type AliyunSMS struct {
	*httptest.Server
	KeyID, KeySecret string

	mu          sync.Mutex
	rateLimited int
	down        bool
	sent        []SMSSent
}

// NewAliyunSMS starts the fake.
func NewAliyunSMS(tb testing.TB) *AliyunSMS {
	s := &AliyunSMS{KeyID: "LTAI-test-key", KeySecret: "test-key-secret-abcdef"}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.Close)
	return s
}

// RateLimit answers the next n sends with isv.BUSINESS_LIMIT_CONTROL.
func (s *AliyunSMS) RateLimit(n int) { s.mu.Lock(); s.rateLimited = n; s.mu.Unlock() }

// SetDown makes the gateway answer HTTP 503.
func (s *AliyunSMS) SetDown(down bool) { s.mu.Lock(); s.down = down; s.mu.Unlock() }

// Sent returns the accepted messages.
func (s *AliyunSMS) Sent() []SMSSent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SMSSent(nil), s.sent...)
}

func enc(v string) string {
	e := url.QueryEscape(v)
	e = strings.ReplaceAll(e, "+", "%20")
	e = strings.ReplaceAll(e, "*", "%2A")
	return strings.ReplaceAll(e, "%7E", "~")
}

// sign is written from Aliyun's documentation independently of the sender.
func sign(method, secret string, q url.Values) string {
	var keys []string
	for k := range q {
		if k != "Signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(enc(k) + "=" + enc(q.Get(k)))
	}
	mac := hmac.New(sha1.New, []byte(secret+"&"))
	mac.Write([]byte(method + "&%2F&" + enc(b.String())))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func (s *AliyunSMS) serve(rw http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		http.Error(rw, "unavailable", http.StatusServiceUnavailable)
		return
	}
	q := r.URL.Query()
	req := fmt.Sprintf("REQ-%d", len(s.sent)+1)
	fail := func(status int, code, msg string) {
		rw.WriteHeader(status)
		reply(rw, map[string]string{"Code": code, "Message": msg, "RequestId": req})
	}
	for _, k := range []string{"AccessKeyId", "Action", "Format", "PhoneNumbers", "SignName", "SignatureMethod", "SignatureNonce", "SignatureVersion", "TemplateCode", "Timestamp", "Version", "Signature"} {
		if q.Get(k) == "" {
			fail(400, "MissingParameter", "The input parameter "+k+" that is mandatory for processing this request is not supplied.")
			return
		}
	}
	if q.Get("Action") != "SendSms" || q.Get("Version") != "2017-05-25" || q.Get("SignatureMethod") != "HMAC-SHA1" || q.Get("SignatureVersion") != "1.0" {
		fail(400, "InvalidParameter", "unsupported action, version or signature method")
		return
	}
	if q.Get("AccessKeyId") != s.KeyID {
		fail(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
		return
	}
	if q.Get("Signature") != sign(r.Method, s.KeySecret, q) {
		fail(400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation.")
		return
	}
	phone := q.Get("PhoneNumbers")
	if len(phone) < 11 || strings.Trim(phone, "0123456789") != "" {
		fail(200, "isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
		return
	}
	if s.rateLimited > 0 {
		s.rateLimited--
		fail(200, "isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1")
		return
	}
	params := map[string]string{}
	if tp := q.Get("TemplateParam"); tp != "" {
		if err := json.Unmarshal([]byte(tp), &params); err != nil {
			fail(200, "isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值")
			return
		}
	}
	s.sent = append(s.sent, SMSSent{Phone: phone, SignName: q.Get("SignName"), TemplateCode: q.Get("TemplateCode"), OutID: q.Get("OutId"), Params: params})
	reply(rw, map[string]string{"Code": "OK", "Message": "OK", "BizId": fmt.Sprintf("BIZ%06d", len(s.sent)), "RequestId": req})
}
