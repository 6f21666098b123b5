// Package qrcode draws the QR codes of customer links: PNG stickers for printing
// (R-IN-4) and half-block text for the terminal (github.com/mdp/qrterminal).
package qrcode

import (
	"strings"

	"github.com/mdp/qrterminal/v3"
	"rsc.io/qr"
)

// PNG returns a QR code of text as a PNG image, each module scale pixels wide,
// with the standard four-module quiet zone, ready to print on a sticker.
func PNG(text string, scale int) ([]byte, error) {
	code, err := qr.Encode(text, qr.M)
	if err != nil {
		return nil, err
	}
	if scale < 1 {
		scale = 8
	}
	code.Scale = scale
	return code.PNG(), nil
}

// Terminal returns a QR code of text drawn with half blocks, two modules per
// line: light modules are "█", so it reads as dark-on-light on a dark terminal.
func Terminal(text string) string {
	var b strings.Builder
	qrterminal.GenerateWithConfig(text, qrterminal.Config{
		Level:          qrterminal.M,
		Writer:         &b,
		HalfBlocks:     true,
		BlackChar:      qrterminal.BLACK_BLACK,
		WhiteBlackChar: qrterminal.WHITE_BLACK,
		WhiteChar:      qrterminal.WHITE_WHITE,
		BlackWhiteChar: qrterminal.BLACK_WHITE,
		QuietZone:      2,
	})
	return b.String()
}
