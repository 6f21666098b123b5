package core

import (
	"net/url"
	"slices"
	"strings"
)

// The sites that may frame the smart form (R-IN-7): the company's own web
// site or app pages. The web listener sends them as the smart form's
// Content-Security-Policy frame-ancestors; every other page may be framed by
// nobody.

const settingEmbedOrigins = "portal.embed_origins"

// MaxEmbedOrigins bounds the list (a header, not a directory).
const MaxEmbedOrigins = 20

// CheckOrigin reads one site as an origin: scheme and host (and port), no
// path, e.g. https://www.example.com. A bare host is taken as https.
func CheckOrigin(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s != "" && !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(u.Host, " ;,'\"*") {
		return "", Invalid("origins", "%q is not a site: give its origin, e.g. https://www.example.com or http://192.168.1.20:8000 (no path).", raw)
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), nil
}

// EmbedOrigins lists the sites that may frame the smart form.
func (s *Service) EmbedOrigins() ([]string, error) {
	var out []string
	err := s.store.View(func(tx Tx) error {
		_, err := getJSON(tx, settingEmbedOrigins, &out)
		return err
	})
	return out, err
}

// SetEmbedOrigins replaces the sites that may frame the smart form (admins
// only); none: nobody may.
func (s *Service) SetEmbedOrigins(as Actor, origins []string) ([]string, error) {
	if err := require(as, "choose the sites that may embed the smart form", RoleAdmin); err != nil {
		return nil, err
	}
	var clean []string
	for _, o := range origins {
		if strings.TrimSpace(o) == "" {
			continue
		}
		c, err := CheckOrigin(o)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(clean, c) {
			clean = append(clean, c)
		}
	}
	if len(clean) > MaxEmbedOrigins {
		return nil, Invalid("origins", "At most %d sites may embed the smart form, not %d.", MaxEmbedOrigins, len(clean))
	}
	err := s.store.Update(func(tx Tx) error { return putJSON(tx, settingEmbedOrigins, clean) })
	if err == nil {
		s.broker.publish(Change{Kind: "notify-settings"})
	}
	return clean, err
}
