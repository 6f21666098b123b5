package core

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// Phone verification (R-IN-8, issue 18.3). A customer who gives a phone on a
// self-submission form proves it with a one-time code sent by SMS before the
// submission is matched to their Contact or terminal user. An unverified
// submission is still accepted, as a guest: no match, no external owner, and
// marked for the dispatcher.

// VerifyMode is the phone-verification setting.
type VerifyMode string

// Phone-verification settings.
const (
	// VerifyAuto verifies by SMS when the SMS channel is switched on (the
	// default: an installation without SMS cannot send codes).
	VerifyAuto VerifyMode = "auto"
	// VerifySMS always asks for a code (refused while SMS is off).
	VerifySMS VerifyMode = "sms"
	// VerifyOff takes a phone number on trust, as before R-IN-8.
	VerifyOff VerifyMode = "off"
)

// Phone checks recorded on a work order (WorkOrder.PhoneCheck).
const (
	PhoneVerified   = "verified"
	PhoneUnverified = "unverified"
)

// NoticeVerifyCode is the event of a verification-code SMS; it has no preset.
const NoticeVerifyCode NoticeEvent = "verification-code"

// Limits of phone codes.
const (
	PhoneCodeDigits   = 6
	PhoneCodeTTL      = 10 * time.Minute
	PhoneCodeTries    = 5
	phoneCodeGap      = time.Minute // between two codes to one phone
	phoneCodesPerHour = 5
	// phoneVerifiedFor is how long a right code stands for the form it was
	// typed in (a customer correcting another field keeps it).
	phoneVerifiedFor = 30 * time.Minute
)

const settingVerifyPhone = "portal.verify_phone"

func settingPhoneCode(phone string) string { return "portal.phone_code." + phone }

// phoneCode is what the store keeps of the codes sent to one phone: never the
// code, only its salted hash.
type phoneCode struct {
	Salt    []byte      `json:"salt,omitempty"`
	Hash    []byte      `json:"hash,omitempty"`
	Expires time.Time   `json:"expires"`
	Tries   int         `json:"tries"`
	Sends   []time.Time `json:"sends,omitempty"` // the last hour's
	// VerifiedFor is the hash of the form nonce the right code was typed in,
	// good until VerifiedUntil.
	VerifiedFor   []byte    `json:"verified_for,omitempty"`
	VerifiedUntil time.Time `json:"verified_until,omitzero"`
}

func codeHash(salt []byte, phone, code string) []byte {
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte(phone + "\x00" + code))
	return h.Sum(nil)
}

// PhoneVerification is the setting and whether it is in force now.
type PhoneVerification struct {
	Mode VerifyMode `json:"mode"`
	On   bool       `json:"on"`
	// Why says in words why it is on or off.
	Why string `json:"why"`
}

func readVerify(tx Tx) (PhoneVerification, error) {
	v := PhoneVerification{Mode: VerifyAuto}
	raw, err := tx.Setting(settingVerifyPhone)
	if err != nil {
		return v, err
	}
	if len(raw) > 0 {
		v.Mode = VerifyMode(raw)
	}
	sms, err := readChannel(tx, NoticeSMS)
	if err != nil {
		return v, err
	}
	switch {
	case v.Mode == VerifyOff:
		v.Why = "off: a phone number typed on a form is taken on trust"
	case !sms.Enabled:
		v.Why = "off until the SMS channel is switched on (codes go by SMS)"
		if v.Mode == VerifySMS {
			v.Why = "asked for, but the SMS channel is off: switch it on, or customers stay unverified guests"
			v.On = true
		}
	default:
		v.On = true
		v.Why = "on: customers prove their phone with a 6-digit SMS code"
	}
	return v, nil
}

// PhoneVerification reads the phone-verification setting.
func (s *Service) PhoneVerification() (PhoneVerification, error) {
	var v PhoneVerification
	err := s.store.View(func(tx Tx) (err error) {
		v, err = readVerify(tx)
		return err
	})
	return v, err
}

// SetPhoneVerification sets it: sms, off or auto (admins only).
func (s *Service) SetPhoneVerification(as Actor, mode VerifyMode) (PhoneVerification, error) {
	if err := require(as, "change phone verification", RoleAdmin); err != nil {
		return PhoneVerification{}, err
	}
	mode = VerifyMode(strings.ToLower(strings.TrimSpace(string(mode))))
	switch mode {
	case VerifyAuto, VerifySMS, VerifyOff:
	default:
		return PhoneVerification{}, Invalid("mode", "Phone verification is sms, off or auto (sms when the SMS channel is on), not %q.", mode)
	}
	var v PhoneVerification
	err := s.store.Update(func(tx Tx) error {
		if err := tx.PutSetting(settingVerifyPhone, []byte(mode)); err != nil {
			return err
		}
		var err error
		v, err = readVerify(tx)
		return err
	})
	return v, err
}

// PhoneCodeSent says where a code went and until when it is good.
type PhoneCodeSent struct {
	To      string    // masked
	Expires time.Time // the code's end
}

// SendPhoneCode sends a fresh 6-digit code to phone by SMS, through the
// outbox: at most one a minute and five an hour per phone. The portal limits
// it per network too.
func (s *Service) SendPhoneCode(phone string) (PhoneCodeSent, error) {
	p, err := NormalizePhone(phone)
	if err != nil {
		return PhoneCodeSent{}, err
	}
	if p == "" {
		return PhoneCodeSent{}, Invalid("phone", "Type your phone number first: the code is sent to it.")
	}
	if !mobileRE.MatchString(p) {
		return PhoneCodeSent{}, Invalid("phone", "%s cannot receive SMS: give a mobile number (e.g. 138 0013 8000, or +44 7700 900123).", phone)
	}
	var out PhoneCodeSent
	err = s.store.Update(func(tx Tx) error {
		now := s.Now()
		v, err := readVerify(tx)
		if err != nil {
			return err
		}
		if !v.On {
			return Invalid("code", "Phone codes are not in use here: send your request without one.")
		}
		var pc phoneCode
		if _, err := getJSON(tx, settingPhoneCode(p), &pc); err != nil {
			return err
		}
		recent := pc.Sends[:0]
		for _, t := range pc.Sends {
			if now.Sub(t) < time.Hour {
				recent = append(recent, t)
			}
		}
		pc.Sends = recent
		if n := len(pc.Sends); n > 0 && now.Sub(pc.Sends[n-1]) < phoneCodeGap {
			wait := phoneCodeGap - now.Sub(pc.Sends[n-1])
			return Invalid("code", "A code was sent to %s a moment ago: wait %d seconds before asking for another.", MaskAddress(p), int(wait.Seconds()+0.999))
		}
		if len(pc.Sends) >= phoneCodesPerHour {
			return Invalid("code", "%d codes were sent to %s in the last hour: try again after %s, or send your request without a code.", phoneCodesPerHour, MaskAddress(p), pc.Sends[0].Add(time.Hour).Format("15:04"))
		}
		n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
		if err != nil {
			return err
		}
		code := fmt.Sprintf("%06d", n.Int64())
		salt := make([]byte, 16)
		if _, err := rand.Read(salt); err != nil {
			return err
		}
		pc.Salt, pc.Hash, pc.Tries, pc.Expires = salt, codeHash(salt, p, code), 0, now.Add(PhoneCodeTTL)
		pc.Sends = append(pc.Sends, now)
		if err := putJSON(tx, settingPhoneCode(p), pc); err != nil {
			return err
		}
		sms, err := readChannel(tx, NoticeSMS)
		if err != nil {
			return err
		}
		tpl := Template{Body: "Your verification code is #Code#. It is valid for 10 minutes; do not share it. 您的验证码为 #Code#，10 分钟内有效。"}
		if id := strings.TrimSpace(sms.Settings["verify_template_code"]); id != "" {
			// A verification template of the gateway: its one parameter is ${code}.
			tpl.TemplateID, tpl.Fields = id, []TemplateField{{Key: "code", Value: "#Code#"}}
		}
		ms, err := s.enqueueNotice(tx, NoticeAction{Event: NoticeVerifyCode, Channels: []NoticeChannel{NoticeSMS}, Mode: PolicyAllAtOnce,
			Recipients: []RecipientSpec{{Kind: RecipientExplicit, Address: p}},
			Templates:  map[NoticeChannel]Template{NoticeSMS: tpl}, Values: map[string]string{"Code": code}}, nil)
		if err != nil {
			return err
		}
		if len(ms) != 1 || ms[0].State == MsgNotSent {
			why := "the SMS channel is off"
			if len(ms) == 1 {
				why = ms[0].Reason
			}
			return Invalid("code", "We cannot send codes by SMS just now (%s): send your request without one.", why)
		}
		out = PhoneCodeSent{To: MaskAddress(p), Expires: pc.Expires}
		return nil
	})
	return out, err
}

// checkPhoneCode checks the code typed in the form with nonce hash formHash
// for phone, in its own transaction: a wrong code counts against the tries
// even though the submission is refused. It is nil when the code is right (or
// was, for this form).
func (s *Service) checkPhoneCode(phone, code string, formHash []byte) error {
	code = NormalizeCode(code)
	var refusal error
	err := s.store.Update(func(tx Tx) error {
		refusal = nil
		now := s.Now()
		var pc phoneCode
		ok, err := getJSON(tx, settingPhoneCode(phone), &pc)
		if err != nil {
			return err
		}
		if ok && subtle.ConstantTimeCompare(pc.VerifiedFor, formHash) == 1 && now.Before(pc.VerifiedUntil) {
			return nil // this form's code was right already
		}
		switch {
		case !ok || pc.Hash == nil:
			refusal = Invalid("code", "No code was sent to %s: press “Send me a code” first, or leave the code empty to send your request unverified.", MaskAddress(phone))
		case !now.Before(pc.Expires):
			refusal = Invalid("code", "That code has expired (codes last 10 minutes): ask for a new one, or leave the code empty to send your request unverified.")
		case pc.Tries >= PhoneCodeTries:
			refusal = Invalid("code", "Too many wrong codes: ask for a new one, or leave the code empty to send your request unverified.")
		case len(code) != PhoneCodeDigits:
			refusal = Invalid("code", "The code has %d digits; check the SMS.", PhoneCodeDigits)
			return nil // not a guess: no try spent
		case subtle.ConstantTimeCompare(codeHash(pc.Salt, phone, code), pc.Hash) != 1:
			pc.Tries++
			left := PhoneCodeTries - pc.Tries
			if left > 0 {
				refusal = Invalid("code", "That code is not right: %d tries left.", left)
			} else {
				refusal = Invalid("code", "That code is not right, and that was the last try: ask for a new code, or leave it empty to send your request unverified.")
			}
			return putJSON(tx, settingPhoneCode(phone), pc)
		default:
			// Right: the code is used up, and stands for this form a while.
			pc.Hash, pc.Salt, pc.Tries = nil, nil, 0
			pc.VerifiedFor, pc.VerifiedUntil = formHash, now.Add(phoneVerifiedFor)
			return putJSON(tx, settingPhoneCode(phone), pc)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return refusal
}

// phoneVerifiedIn reports whether phone was verified for the form with nonce
// hash formHash.
func phoneVerifiedIn(tx Tx, phone string, formHash []byte, now time.Time) (bool, error) {
	var pc phoneCode
	ok, err := getJSON(tx, settingPhoneCode(phone), &pc)
	if err != nil || !ok {
		return false, err
	}
	return subtle.ConstantTimeCompare(pc.VerifiedFor, formHash) == 1 && now.Before(pc.VerifiedUntil), nil
}

// PhoneWithCheck is a work order's phone with what a web form knew of it,
// for people reading the work order: "138… (unverified: a guest's claim)".
func PhoneWithCheck(w WorkOrder) string {
	switch {
	case w.Phone == "":
		return ""
	case w.PhoneCheck == PhoneVerified:
		return w.Phone + " (verified by SMS code)"
	case w.PhoneCheck == PhoneUnverified:
		return w.Phone + " (UNVERIFIED: typed on a web form, not proven)"
	}
	return w.Phone
}

// NormalizeCode is a typed code's digits: spaces and dashes a customer
// types between groups dropped, full-width digits (a Chinese keyboard's)
// made ASCII, anything else dropped too (it cannot be part of a code).
func NormalizeCode(s string) string {
	if len(s) > 64 {
		s = s[:64] // a code is six digits; a long paste is not one
	}
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		if r >= '０' && r <= '９' {
			return r - '０' + '0'
		}
		return -1
	}, s)
}
