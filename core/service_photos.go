package core

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // photos are JPEG or PNG
	_ "image/png"
	"path/filepath"
	"strings"
)

// Service-report photos (R-REP-1, issue 20.6): the engineer attaches photos
// of the work to the work order; a report version generated afterwards
// carries them — on its page and in its PDF — and its hash covers them.

// Photo limits.
const (
	MaxPhotoBytes  = 5 << 20
	MaxPhotoSide   = 8000
	MaxPhotosPerWO = 12
)

// PhotoSource marks a work order's attachment as a report photo.
const PhotoSource = "photo"

// ReportPhoto is a photo as a report version holds it.
type ReportPhoto struct {
	Attachment  ID     `json:"attachment"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	SHA256      string `json:"sha256"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
}

// CheckPhoto reads a photo's type and size, refusing what is not a JPEG or
// PNG photo within the limits with a sentence that says what to do.
func CheckPhoto(name string, data []byte) (contentType string, w, h int, err error) {
	if len(data) == 0 {
		return "", 0, 0, Invalid("photo", "%s is empty.", name)
	}
	if len(data) > MaxPhotoBytes {
		return "", 0, 0, Invalid("photo", "%s is %.1f MB; a photo may be at most %d MB: send a smaller one (phones can share a reduced size).", name, float64(len(data))/(1<<20), MaxPhotoBytes>>20)
	}
	ct := photoType(data)
	if ct == "" {
		return "", 0, 0, Invalid("photo", "%s is not a JPEG or PNG photo.", name)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return "", 0, 0, Invalid("photo", "%s cannot be read as an image: %v.", name, err)
	}
	if cfg.Width > MaxPhotoSide || cfg.Height > MaxPhotoSide || cfg.Width < 1 || cfg.Height < 1 {
		return "", 0, 0, Invalid("photo", "%s is %d×%d pixels; at most %d on a side.", name, cfg.Width, cfg.Height, MaxPhotoSide)
	}
	return ct, cfg.Width, cfg.Height, nil
}

// photoType is the content type of a JPEG or PNG by its signature ("" for
// anything else).
func photoType(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\xff\xd8\xff")):
		return "image/jpeg"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	}
	return ""
}

// AddPhoto attaches a photo to a work order for its service report (the
// engineer on their own work order, dispatchers, admins).
func (s *Service) AddPhoto(as Actor, number, filename string, data []byte) (Attachment, error) {
	if err := require(as, "add photos", RoleAdmin, RoleDispatcher, RoleEngineer); err != nil {
		return Attachment{}, err
	}
	name := filepath.Base(strings.TrimSpace(filename))
	if name == "" || name == "." || name == "/" {
		name = "photo"
	}
	name, verr := oneLine("photo", "The file name", name, true, 200)
	if verr != nil {
		return Attachment{}, verr
	}
	ct, _, _, err := CheckPhoto(name, data)
	if err != nil {
		return Attachment{}, err
	}
	n, err := ParseNumber(number)
	if err != nil {
		return Attachment{}, err
	}
	sum := sha256.Sum256(data)
	a := Attachment{Filename: name, ContentType: ct, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), At: s.Now(), Source: PhotoSource}
	err = s.store.Update(func(tx Tx) error {
		w, err := tx.WorkOrderByNumber(FormatNumber(n))
		if errors.Is(err, ErrNotFound) {
			return NotFoundf("There is no work order %s.", FormatNumber(n))
		} else if err != nil {
			return err
		}
		if as.User.Has(RoleEngineer) && !as.User.Has(RoleAdmin, RoleDispatcher) && (as.User.EngineerID == 0 || as.User.EngineerID != w.FieldOutDealUser) {
			return forbidden("%s may add photos only to their own work orders; %s is %s's.", as.Label(), w.Number, OrNone(w.EngineerName))
		}
		all, err := tx.Attachments(w.ID)
		if err != nil {
			return err
		}
		count := 0
		for _, x := range all {
			if x.Source == PhotoSource {
				count++
				if x.SHA256 == a.SHA256 {
					return Invalid("photo", "%s has this photo already (as %s).", w.Number, x.Filename)
				}
			}
		}
		if count >= MaxPhotosPerWO {
			return Invalid("photo", "%s has %d photos, the most a report holds.", w.Number, MaxPhotosPerWO)
		}
		a.WorkOrderID = w.ID
		if err := tx.PutAttachment(&a, data); err != nil {
			return err
		}
		return tx.AppendEvent(w.ID, Event{At: a.At, By: as.Label(), Channel: ChannelInternal, Kind: EventUpdated,
			Detail: fmt.Sprintf("photo %s added for the service report (%d KB)", a.Filename, (a.Size+1023)/1024)})
	})
	if err != nil {
		return Attachment{}, err
	}
	s.broker.publish(Change{Kind: "work-order", WorkOrder: a.WorkOrderID, Number: FormatNumber(n)})
	return a, nil
}

// reportPhotos are a work order's photos for a new report version.
func reportPhotos(tx Tx, wo ID) ([]ReportPhoto, error) {
	all, err := tx.Attachments(wo)
	if err != nil {
		return nil, err
	}
	var out []ReportPhoto
	for _, a := range all {
		if a.Source != PhotoSource {
			continue
		}
		data, err := tx.AttachmentData(a.ID)
		if err != nil {
			return nil, err
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			continue
		}
		out = append(out, ReportPhoto{Attachment: a.ID, Filename: a.Filename, ContentType: a.ContentType, SHA256: a.SHA256, Width: cfg.Width, Height: cfg.Height})
	}
	return out, nil
}

// ReportPhotoData reads a photo of a report version a customer link opens
// (the report link's token): only photos that version holds.
func (s *Service) ReportPhotoData(token string, version int, attachment ID) (ReportPhoto, []byte, error) {
	rv, err := s.OpenReport(token, version)
	if err != nil {
		return ReportPhoto{}, nil, err
	}
	return s.photoOf(rv, attachment)
}

// StaffReportPhoto reads a photo of a report version for staff.
func (s *Service) StaffReportPhoto(number string, version int, attachment ID) (ReportPhoto, []byte, error) {
	rv, err := s.Report(number, version)
	if err != nil {
		return ReportPhoto{}, nil, err
	}
	return s.photoOf(rv, attachment)
}

func (s *Service) photoOf(rv ReportView, attachment ID) (ReportPhoto, []byte, error) {
	if rv.Shown == nil {
		return ReportPhoto{}, nil, unusable("no report")
	}
	for _, p := range rv.Shown.Photos {
		if p.Attachment == attachment {
			var data []byte
			err := s.store.View(func(tx Tx) (err error) {
				data, err = tx.AttachmentData(attachment)
				return err
			})
			return p, data, err
		}
	}
	return ReportPhoto{}, nil, unusable("not a photo of this report")
}

// ReportPhotos reads every photo of a report version with its bytes (the PDF).
func (s *Service) ReportPhotos(r *ServiceReport) ([][]byte, error) {
	out := make([][]byte, len(r.Photos))
	err := s.store.View(func(tx Tx) error {
		for i, p := range r.Photos {
			d, err := tx.AttachmentData(p.Attachment)
			if err != nil {
				return err
			}
			out[i] = d
		}
		return nil
	})
	return out, err
}
