package core

import (
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// ChannelSetting describes one setting of a channel.
type ChannelSetting struct {
	Key     string `json:"key"`
	Help    string `json:"help"`
	Default string `json:"default,omitempty"`
	// Secret settings are never shown in full; they may come from the environment.
	Secret bool `json:"secret,omitempty"`
}

// ChannelSettings lists each channel's settings. Every setting can also come from
// the environment variable SWITCHBOARD_<CHANNEL>_<KEY> (e.g. SWITCHBOARD_EMAIL_PASSWORD,
// SWITCHBOARD_MINI_PROGRAM_APP_SECRET), which wins over the database.
var ChannelSettings = map[NoticeChannel][]ChannelSetting{
	NoticeEmail: {
		{Key: "host", Help: "SMTP server host"},
		{Key: "port", Help: "SMTP port", Default: "587"},
		{Key: "tls", Help: "starttls (port 587), tls (implicit, port 465) or none (tests only)", Default: "starttls"},
		{Key: "username", Help: "SMTP login"},
		{Key: "password", Help: "SMTP password", Secret: true},
		{Key: "from", Help: "sender address, e.g. service@example.com"},
		{Key: "from_name", Help: "sender name", Default: "Customer Service"},
	},
	NoticeWeChat: {
		{Key: "base_url", Help: "WeChat API base URL", Default: "https://api.weixin.qq.com"},
		{Key: "app_id", Help: "official account AppID"},
		{Key: "app_secret", Help: "official account AppSecret", Secret: true},
	},
	NoticeMiniProgram: {
		{Key: "base_url", Help: "WeChat API base URL", Default: "https://api.weixin.qq.com"},
		{Key: "app_id", Help: "mini program AppID"},
		{Key: "app_secret", Help: "mini program AppSecret", Secret: true},
		{Key: "state", Help: "formal, trial or developer", Default: "formal"},
		{Key: "lang", Help: "zh_CN, en_US, zh_HK or zh_TW", Default: "zh_CN"},
	},
	NoticeSMS: {
		{Key: "base_url", Help: "Aliyun SMS (dysms) endpoint", Default: "https://dysms.aliyuncs.com"},
		{Key: "access_key_id", Help: "AccessKey ID"},
		{Key: "access_key_secret", Help: "AccessKey secret", Secret: true},
		{Key: "sign_name", Help: "approved SMS signature, e.g. 华联服务"},
		{Key: "region", Help: "region ID", Default: "cn-hangzhou"},
		{Key: "template_code", Help: "default template code, a template whose one parameter is ${content}"},
		{Key: "verify_template_code", Help: "verification-code template (one parameter ${code}) for phone codes; else template_code"},
	},
}

// ChannelConfig is an admin's configuration of one channel. A channel that is not
// Enabled queues nothing.
type ChannelConfig struct {
	Channel  NoticeChannel     `json:"channel"`
	Enabled  bool              `json:"enabled"`
	Settings map[string]string `json:"settings"`
}

// EnvName is the environment variable that supplies a channel's setting.
func EnvName(ch NoticeChannel, key string) string {
	r := strings.NewReplacer("-", "_")
	return "SWITCHBOARD_" + strings.ToUpper(r.Replace(string(ch))) + "_" + strings.ToUpper(key)
}

// Resolve returns every setting's effective value: the environment (getenv) first,
// then the database, then the default. from says where each came from
// ("env", "db", "default"; absent when unset).
func (c ChannelConfig) Resolve(getenv func(string) string) (vals, from map[string]string) {
	vals, from = map[string]string{}, map[string]string{}
	for _, s := range ChannelSettings[c.Channel] {
		switch {
		case getenv != nil && getenv(EnvName(c.Channel, s.Key)) != "":
			vals[s.Key], from[s.Key] = getenv(EnvName(c.Channel, s.Key)), "env"
		case c.Settings[s.Key] != "":
			vals[s.Key], from[s.Key] = c.Settings[s.Key], "db"
		case s.Default != "":
			vals[s.Key], from[s.Key] = s.Default, "default"
		}
	}
	return vals, from
}

// Masked returns c's settings fit to show: secrets are masked.
func (c ChannelConfig) Masked(getenv func(string) string) []ShownSetting {
	vals, from := c.Resolve(getenv)
	var out []ShownSetting
	for _, s := range ChannelSettings[c.Channel] {
		v := vals[s.Key]
		if s.Secret {
			v = MaskSecret(v)
		}
		out = append(out, ShownSetting{Key: s.Key, Value: v, From: from[s.Key], Secret: s.Secret, Help: s.Help})
	}
	return out
}

// ShownSetting is a setting as the console and CLI show it.
type ShownSetting struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	From   string `json:"from,omitempty"`
	Secret bool   `json:"secret,omitempty"`
	Help   string `json:"help,omitempty"`
}

// MaskSecret shows that a secret is set without showing it: "••••••3f" for long
// secrets, "••••" for short ones, "" when unset.
func MaskSecret(v string) string {
	if v == "" {
		return ""
	}
	if utf8.RuneCountInString(v) >= 12 {
		r := []rune(v)
		return "••••••" + string(r[len(r)-2:])
	}
	return "••••"
}

// MaskAddress shortens a recipient address for logs: "ma***@acme.example",
// "138****8000".
func MaskAddress(a string) string {
	if i := strings.IndexByte(a, '@'); i > 0 {
		keep := min(2, i)
		return a[:keep] + "***" + a[i:]
	}
	if len(a) >= 7 {
		return a[:3] + strings.Repeat("*", len(a)-7) + a[len(a)-4:]
	}
	return a
}

// validateChannelSettings refuses unknown keys and bad values.
func validateChannelSettings(ch NoticeChannel, set map[string]string) error {
	var errs ValidationErrors
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	known := ChannelSettings[ch]
	for _, k := range keys {
		v := strings.TrimSpace(set[k])
		i := slices.IndexFunc(known, func(s ChannelSetting) bool { return s.Key == k })
		if i < 0 {
			names := make([]string, len(known))
			for j, s := range known {
				names[j] = s.Key
			}
			errs = append(errs, Invalid("settings", "%s has no setting %q: use %s.", ch.Title(), k, strings.Join(names, ", ")))
			continue
		}
		if strings.ContainsAny(v, "\r\n") {
			errs = append(errs, Invalid("settings", "The %s setting %s must be a single line.", ch.Title(), k))
			continue
		}
		switch {
		case k == "base_url" && v != "" && !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "https://"):
			errs = append(errs, Invalid("settings", "base_url %q must start with http:// or https://.", v))
		case k == "tls" && v != "" && v != "starttls" && v != "tls" && v != "none":
			errs = append(errs, Invalid("settings", "tls %q is unknown: use starttls, tls or none.", v))
		case k == "from" && v != "":
			if _, err := NormalizeEmail(v); err != nil {
				errs = append(errs, Invalid("settings", "from %q is not an email address.", v))
			}
		case k == "port" && v != "":
			if n, err := ParseID("port", v); err != nil || n > 65535 {
				errs = append(errs, Invalid("settings", "port %q is not a port number (1–65535).", v))
			}
		case k == "state" && v != "" && v != "formal" && v != "trial" && v != "developer":
			errs = append(errs, Invalid("settings", "state %q is unknown: use formal, trial or developer.", v))
		}
	}
	return errs.Err()
}
